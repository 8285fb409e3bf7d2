// The development issuer's two pages: sign-in and sign-out. Plain HTML, labelled fields, readable contrast.

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:2rem 1rem;background:#f4f6f8;color:#1b1f24}
main{max-width:22rem;margin:0 auto;background:#fff;padding:1.5rem;border-radius:8px;box-shadow:0 1px 3px #0003}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;margin-top:.3rem;border:1px solid #57606a;border-radius:4px;font-size:1rem}
button{margin-top:1.5rem;width:100%;padding:.7rem;font-size:1rem;border:0;border-radius:4px;background:#0b5cad;color:#fff;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #f0a30a;outline-offset:2px}
.error{color:#a4000f;font-weight:600}
</style>
</head>
<body><main>${body}</main></body>
</html>`;

/** The sign-in form: fields "Username" and "Password", button "Sign in". */
export function loginPage(uid: string, clientId: string, state: { username?: string; error?: string } = {}): string {
  const error = state.error ? `<p class="error" role="alert" id="error">${escape(state.error)}</p>` : '';
  const describedBy = state.error ? ' aria-describedby="error"' : '';
  return page(
    'Sign in — Cisco Programs (development issuer)',
    `<h1>Sign in to Cisco Programs</h1>
<p>Development issuer; the users and passwords are printed by <code>npm start</code>. Client: ${escape(clientId)}.</p>
${error}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required autofocus value="${escape(state.username ?? '')}"${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy}>
<button type="submit">Sign in</button>
</form>`,
  );
}

/**
 * The issuer's sign-out confirmation: the portal already asked the person, so the form submits itself;
 * the button is there for a browser without scripts.
 */
export function logoutPage(form: string): string {
  return page(
    'Signing out — Cisco Programs (development issuer)',
    `<h1>Signing out</h1>
${form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
<script>document.getElementById('op.logoutForm').submit()</script>`,
  );
}
