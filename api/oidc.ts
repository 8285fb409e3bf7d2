// The API as an OpenID Connect relying party (openid-client): the issuer's metadata, discovered on first
// use and again after a failure, so the API starts even while the issuer is still coming up.
import * as oc from 'openid-client';
import { unavailable } from './errors';

export interface AuthConfig {
  /** OIDC_ISSUER: the issuer whose JWTs and sign-ins are accepted. */
  issuer: string;
  clientId: string;
  /** Unset: a public client; the code is bound to the browser by PKCE alone. */
  clientSecret?: string;
  /** The `aud` a bearer JWT must carry. */
  audience: string;
  /** Asked for at sign-in, space-separated. */
  scopes: string;
  /** OIDC_API_SCOPE: a bearer JWT that lists scopes must list this one ('api' when unset; api/auth.ts grantedToUs). */
  apiScope?: string;
  /** Where people reach the API: the callback and every redirect start here. */
  publicUrl: string;
  /** Seals the sign-in's transient cookie. */
  sessionSecret: string;
}

const local = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

export function relyingParty(cfg: AuthConfig) {
  let discovered: Promise<oc.Configuration> | undefined;
  const issuer = new URL(cfg.issuer);
  const discover = () =>
    oc.discovery(
      issuer,
      cfg.clientId,
      cfg.clientSecret,
      cfg.clientSecret ? undefined : oc.None(),
      // Plain http only for an issuer on this machine (npm start's); anywhere else it must be https.
      issuer.protocol === 'http:' && local(issuer) ? { execute: [oc.allowInsecureRequests] } : undefined,
    );
  const config = (): Promise<oc.Configuration> => {
    discovered ??= discover().catch((err: unknown) => {
      discovered = undefined;
      throw unavailable(`The sign-in issuer does not answer (${(err as Error).message})`);
    });
    return discovered;
  };
  return {
    cfg,
    config,
    callbackUrl: new URL('/auth/callback', cfg.publicUrl).href,
    async jwksUri(): Promise<URL> {
      const uri = (await config()).serverMetadata().jwks_uri;
      if (!uri) throw unavailable('The sign-in issuer publishes no JWKS');
      return new URL(uri);
    },
  };
}

export type RelyingParty = ReturnType<typeof relyingParty>;

/** Where the browser goes to sign in: the issuer's authorization endpoint, code flow with PKCE (S256). */
export async function authorizationUrl(rp: RelyingParty, tx: { codeVerifier: string; state: string; nonce: string }): Promise<URL> {
  return oc.buildAuthorizationUrl(await rp.config(), {
    redirect_uri: rp.callbackUrl,
    scope: rp.cfg.scopes,
    code_challenge: await oc.calculatePKCECodeChallenge(tx.codeVerifier),
    code_challenge_method: 'S256',
    state: tx.state,
    nonce: tx.nonce,
  });
}

/** The code exchanged for tokens (state, nonce, PKCE and the ID token all checked); the ID token's claims. */
export async function completeSignIn(rp: RelyingParty, currentUrl: URL, tx: { codeVerifier: string; state: string; nonce: string }) {
  const config = await rp.config();
  const tokens = await oc.authorizationCodeGrant(config, currentUrl, {
    pkceCodeVerifier: tx.codeVerifier,
    expectedState: tx.state,
    expectedNonce: tx.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims()!;
  // Issuers that keep custom claims out of the ID token serve them at userinfo.
  const claims =
    'role' in idClaims
      ? idClaims
      : { ...(await oc.fetchUserInfo(config, tokens.access_token, idClaims.sub).catch(() => ({}))), ...idClaims };
  return { claims, idToken: tokens.id_token };
}

/** The issuer's sign-out, back to `returnTo` afterwards; none when the issuer offers no end_session. */
export async function endSessionUrl(rp: RelyingParty, idToken: string | undefined, returnTo: string): Promise<string | undefined> {
  const config = await rp.config().catch(() => undefined);
  if (!config?.serverMetadata().end_session_endpoint) return undefined;
  return oc.buildEndSessionUrl(config, { ...(idToken ? { id_token_hint: idToken } : {}), post_logout_redirect_uri: returnTo }).href;
}

export const randomSecrets = () => ({ codeVerifier: oc.randomPKCECodeVerifier(), state: oc.randomState(), nonce: oc.randomNonce() });
