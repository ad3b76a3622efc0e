"""Every permission check in VIK lives here.

A user's memberships are read once per HTTP request into a `StaffScope`; the functions below
answer "may this user see / change this thing" from it, and the `*_visible` functions return the
filter that list pages and search apply. Views and services call these; nothing else decides.

The rules (PRODUCT.md "Tenancy and least privilege"):
- agents and centre leads work the requests of their centre;
- knowledge editors of a centre see its requests (to find content gaps) but do not change them;
- region coordinators and administrators see and work every request of their region;
- analysts see every request of their region, read-only;
- a centre consulted on a request, or one that transferred it away and keeps access, reads it
  (`conversations.RequestAccess`) but does not change it;
- nothing of one region is ever visible to a member of another region only.

One module per concern; import the package (`from vik.tenancy import permissions`), not its
modules. Most list filters are the rows of the user's regions and centres, built by the one
helper `scoping.scope_filter`.

Tenancy sits below the apps whose objects it judges, so it imports none of them: their models
appear in type hints only, an object's own model answers a query about it (`can_view_contact`),
the read grants kept by conversations come from a provider conversations registers at start-up
(`register_read_grants`), and the audience of an article is tenancy's own vocabulary
(`choices.Audience`, re-exported by knowledge).
"""

from .audit import (
    DATA_PROTECTION_REGION_ROLES,
    audit_events_visible,
    audit_regions,
    can_read_audit_log,
    can_see_data_access,
)
from .configuration import (
    MANAGING_CENTRE_ROLES,
    ROUTING_REGION_ROLES,
    SLA_MANAGING_CENTRE_ROLES,
    can_edit_any_routing,
    can_edit_routing,
    can_manage_any_sla,
    can_manage_queues,
    can_manage_sla,
    can_mark_absent,
    can_review_quarantine,
    channel_accounts_managed,
    queues_managed,
    routing_regions_edited,
    sla_centres_managed,
)
from .contacts import can_change_contact, can_view_contact, contacts_visible
from .knowledge import (
    KNOWLEDGE_AUTHOR_CENTRE_ROLES,
    KNOWLEDGE_METRICS_CENTRE_ROLES,
    KNOWLEDGE_METRICS_REGION_ROLES,
    KNOWLEDGE_REGION_ROLES,
    KNOWLEDGE_REVIEW_CENTRE_ROLES,
    articles_authored,
    articles_readable,
    articles_reviewed,
    can_author_article,
    can_change_article_files,
    can_publish_article_files,
    can_review_article,
    can_see_draft_files,
    can_view_knowledge_metrics,
    knowledge_metrics_centres,
    knowledge_usage_visible,
)
from .lockouts import (
    LOCKOUT_CENTRE_ROLES,
    LOCKOUT_REGION_ROLES,
    can_manage_lockouts,
    can_release_account,
    can_release_address,
    lockout_accounts_managed,
)
from .mfa import can_reset_any_second_factor, can_reset_second_factor, requires_second_factor
from .network import (
    can_answer_consultation,
    can_consult,
    can_move_request_to,
    can_transfer_request_to,
    centres_to_move_to,
    consultations_answerable,
)
from .phone import calls_visible, can_work_call
from .reports import (
    REPORT_AGENT_ROLES,
    REPORT_LEAD_ROLES,
    REPORT_REGION_ROLES,
    ReportAccess,
    can_open_report,
    can_view_reports,
    report_access,
    report_regions,
)
from .requests import (
    ReadGrants,
    can_be_assigned,
    can_extend_statutory_deadline,
    can_give_receipt,
    can_merge_requests,
    can_record_any_request,
    can_record_request,
    can_view_request,
    can_work_request,
    centres_recording,
    centres_visible,
    member_centres,
    register_read_grants,
    requests_visible,
    requests_visible_parts,
)
from .satisfaction import (
    can_follow_up_rating,
    can_see_follow_up_list,
    can_view_rating,
    follow_up_centres_visible,
    ratings_follow_up_visible,
)
from .scoping import (
    VIEWING_CENTRE_ROLES,
    VIEWING_REGION_ROLES,
    WORKING_CENTRE_ROLES,
    WORKING_REGION_ROLES,
    StaffScope,
    forget_scope,
    has_region_role,
    is_staff_member,
    scope_filter,
    scope_for,
)
from .sign_in import can_sign_in_by_oidc
from .surveys import (
    can_compose_any_survey,
    can_compose_survey,
    can_view_any_survey_results,
    can_view_survey_results,
    survey_regions_composed,
    survey_result_regions,
    survey_results_scope,
)
from .training import (
    can_organise_any_training,
    can_organise_training,
    can_view_centre_training,
    can_view_training_record,
    training_centres_organised,
    training_centres_overseen,
)
from .workspace import (
    MACRO_CENTRE_ROLES,
    SHARING_CENTRE_ROLES,
    can_change_view,
    can_manage_any_macro,
    can_manage_macro,
    can_share_view,
    centres_to_share_views_with,
    macros_available,
    macros_managed,
    regions_to_share_views_with,
    saved_views_visible,
)

__all__ = [
    "DATA_PROTECTION_REGION_ROLES",
    "KNOWLEDGE_AUTHOR_CENTRE_ROLES",
    "KNOWLEDGE_METRICS_CENTRE_ROLES",
    "KNOWLEDGE_METRICS_REGION_ROLES",
    "KNOWLEDGE_REGION_ROLES",
    "KNOWLEDGE_REVIEW_CENTRE_ROLES",
    "LOCKOUT_CENTRE_ROLES",
    "LOCKOUT_REGION_ROLES",
    "MACRO_CENTRE_ROLES",
    "MANAGING_CENTRE_ROLES",
    "REPORT_AGENT_ROLES",
    "REPORT_LEAD_ROLES",
    "REPORT_REGION_ROLES",
    "ROUTING_REGION_ROLES",
    "SHARING_CENTRE_ROLES",
    "SLA_MANAGING_CENTRE_ROLES",
    "VIEWING_CENTRE_ROLES",
    "VIEWING_REGION_ROLES",
    "WORKING_CENTRE_ROLES",
    "WORKING_REGION_ROLES",
    "ReadGrants",
    "ReportAccess",
    "StaffScope",
    "articles_authored",
    "articles_readable",
    "articles_reviewed",
    "audit_events_visible",
    "audit_regions",
    "calls_visible",
    "can_answer_consultation",
    "can_author_article",
    "can_be_assigned",
    "can_change_article_files",
    "can_change_contact",
    "can_change_view",
    "can_compose_any_survey",
    "can_compose_survey",
    "can_consult",
    "can_edit_any_routing",
    "can_edit_routing",
    "can_extend_statutory_deadline",
    "can_follow_up_rating",
    "can_give_receipt",
    "can_manage_any_macro",
    "can_manage_any_sla",
    "can_manage_lockouts",
    "can_manage_macro",
    "can_manage_queues",
    "can_manage_sla",
    "can_mark_absent",
    "can_merge_requests",
    "can_move_request_to",
    "can_open_report",
    "can_organise_any_training",
    "can_organise_training",
    "can_publish_article_files",
    "can_read_audit_log",
    "can_record_any_request",
    "can_record_request",
    "can_release_account",
    "can_release_address",
    "can_reset_any_second_factor",
    "can_reset_second_factor",
    "can_review_article",
    "can_review_quarantine",
    "can_see_data_access",
    "can_see_draft_files",
    "can_see_follow_up_list",
    "can_share_view",
    "can_sign_in_by_oidc",
    "can_transfer_request_to",
    "can_view_any_survey_results",
    "can_view_centre_training",
    "can_view_contact",
    "can_view_knowledge_metrics",
    "can_view_rating",
    "can_view_reports",
    "can_view_request",
    "can_view_survey_results",
    "can_view_training_record",
    "can_work_call",
    "can_work_request",
    "centres_recording",
    "centres_to_move_to",
    "centres_to_share_views_with",
    "centres_visible",
    "channel_accounts_managed",
    "consultations_answerable",
    "contacts_visible",
    "follow_up_centres_visible",
    "forget_scope",
    "has_region_role",
    "is_staff_member",
    "knowledge_metrics_centres",
    "knowledge_usage_visible",
    "lockout_accounts_managed",
    "macros_available",
    "macros_managed",
    "member_centres",
    "queues_managed",
    "ratings_follow_up_visible",
    "regions_to_share_views_with",
    "register_read_grants",
    "report_access",
    "report_regions",
    "requests_visible",
    "requests_visible_parts",
    "requires_second_factor",
    "routing_regions_edited",
    "saved_views_visible",
    "scope_filter",
    "scope_for",
    "sla_centres_managed",
    "survey_regions_composed",
    "survey_result_regions",
    "survey_results_scope",
    "training_centres_organised",
    "training_centres_overseen",
]
