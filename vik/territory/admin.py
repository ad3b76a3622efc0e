from django.contrib import admin

from .models import Municipality, Orp, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["name", "code", "abbreviation", "nuts3"]


@admin.register(Orp)
class OrpAdmin(admin.ModelAdmin[Orp]):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["name", "code", "orp", "district_name", "region", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["orp", "region"]
