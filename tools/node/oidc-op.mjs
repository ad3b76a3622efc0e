// A real OpenID Connect provider (npm `oidc-provider`) on loopback, for VIK's single sign-on tests.
//
//   node oidc-op.mjs --port 0 --config '<json>'        (or --config @/path/config.json,
//                                                       or the JSON in the env OIDC_OP_CONFIG)
//
// The config:
//   { "clients":  [{ "client_id": "vik", "client_secret": "s", "redirect_uris": ["http://…/cb/"] }],
//     "accounts": { "alice": { "password": "heslo", "claims": { "email": "alice@example.cz" } } },
//     "auto":     "alice"            // optional: log this account in without a form (no POSTs)
//   }
// Without "auto" the provider shows a login form (login + password, checked against "accounts")
// as an identity provider does; consent is always granted. When it listens it prints one line,
// `ready <issuer>`, to stdout. The signing key (RS256) is generated at start and published at
// /jwks; state lives in memory (a test peer, never a production provider).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

function option(name) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

function loadConfig() {
  let raw = option('config') ?? process.env.OIDC_OP_CONFIG ?? '{}';
  if (raw.startsWith('@')) raw = readFileSync(raw.slice(1), 'utf8');
  return JSON.parse(raw);
}

const config = loadConfig();
const port = Number(option('port') ?? process.env.OIDC_OP_PORT ?? 0);
const host = option('host') ?? '127.0.0.1';
const accounts = config.accounts ?? {};
const AUTO = config.auto ?? null;

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const jwks = { keys: [{ ...key, kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' }] };

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function loginPage(uid, error) {
  return `<!doctype html><html lang="cs"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><h1>Test identity provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label>Login <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function makeProvider(issuer) {
  const provider = new Provider(issuer, {
    clients: config.clients ?? [],
    jwks,
    claims: config.claims ?? {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'upn'],
    },
    async findAccount(ctx, sub) {
      const account = accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, async claims() { return { ...(account.claims ?? {}), sub }; } };
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [randomBytes(16).toString('hex')] },
  });

  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/interaction/')) return next();
    const { uid, prompt, params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
    let result;
    if (prompt.name === 'login') {
      let login = AUTO;
      let error = '';
      if (!login && ctx.method === 'POST') {
        const form = await readForm(ctx.req);
        const account = accounts[form.login];
        if (account && (account.password ?? '') === (form.password ?? '')) login = form.login;
        else error = 'Unknown login or wrong password.';
      }
      if (!login) {
        ctx.type = 'html';
        ctx.body = loginPage(uid, error);
        return;
      }
      result = { login: { accountId: login } };
    } else {
      const grant = grantId
        ? await provider.Grant.find(grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      result = { consent: { grantId: await grant.save() } };
    }
    const to = await provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: prompt.name !== 'login',
    });
    ctx.status = 303;
    ctx.redirect(to);
  });
  return provider;
}

// The issuer names the port, so with --port 0 the server listens first and the provider follows.
const server = createServer();
server.listen(port, host, () => {
  const issuer = `http://${host}:${server.address().port}`;
  const provider = makeProvider(issuer);
  server.on('request', provider.callback());
  process.stdout.write(`ready ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
