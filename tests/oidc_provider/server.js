// SPDX-License-Identifier: AGPL-3.0-or-later
// A real OpenID Connect provider on loopback for motcua's "Đăng nhập bằng VNeID" tests. Never deployed.
//
// Configured by environment: MOTCUA_TEST_OIDC_REDIRECT_URI (the Django callback), MOTCUA_TEST_OIDC_CLIENT_ID,
// MOTCUA_TEST_OIDC_CLIENT_SECRET, MOTCUA_TEST_OIDC_CCCD_CLAIM (default "cccd"). It listens on a free port of
// 127.0.0.1 and prints one JSON line {"issuer": "..."} when ready. Dev interactions: any login name is
// accepted and becomes the account id (the `sub`); the claims of a few known ids are listed below, any
// other id gets made-up claims derived from it.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const env = (name, fallback) => process.env[name] || fallback;
const redirectUri = env('MOTCUA_TEST_OIDC_REDIRECT_URI');
if (!redirectUri) {
  console.error('MOTCUA_TEST_OIDC_REDIRECT_URI is required');
  process.exit(2);
}
const cccdClaim = env('MOTCUA_TEST_OIDC_CCCD_CLAIM', 'cccd');

// Known accounts: sub → claims. Vietnamese names exercise UTF-8 end to end.
const ACCOUNTS = {
  'cong-dan-1': {
    name: 'Nguyễn Thị Hoa', email: 'hoa.nguyen@example.vn', phone_number: '+84 935 222 333',
    [cccdClaim]: '066190000789',
  },
  'cong-dan-2': {
    name: 'Trần Văn Bình', email: 'binh.tran@example.vn', phone_number: '0935444555',
    [cccdClaim]: '066090000124',
  },
};

function claimsFor(sub) {
  return ACCOUNTS[sub] || { name: `Công dân ${sub}`, email: `${sub}@example.vn` };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: env('MOTCUA_TEST_OIDC_CLIENT_ID', 'motcua'),
      client_secret: env('MOTCUA_TEST_OIDC_CLIENT_SECRET', 'bi-mat-thu-nghiem'),
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [jwk] },
    features: { devInteractions: { enabled: true } },
    claims: {
      openid: ['sub'],
      profile: ['name', cccdClaim],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
    },
    cookies: { keys: [randomUUID()] },
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, ...claimsFor(sub), email_verified: true, phone_number_verified: true };
        },
      };
    },
  });
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
