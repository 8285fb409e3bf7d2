import { Link, Route, Routes, useLocation } from 'react-router-dom';
import { ApiError } from './api/client';
import { Loaded, Page } from './components/layout';
import { useMe, type Me } from './me';
import { AccountPage } from './pages/captain/AccountPage';
import { CaptainHome } from './pages/captain/CaptainHome';
import { LotPage } from './pages/captain/LotPage';
import { RedemptionPage } from './pages/captain/RedemptionPage';
import { StatementPage } from './pages/captain/StatementPage';
import { TermsPage } from './pages/captain/TermsPage';
import { VoucherPage } from './pages/captain/VoucherPage';
import { AmHome } from './pages/am/AmHome';
import { NominationPage } from './pages/am/NominationPage';
import { OpsHome } from './pages/ops/OpsHome';
import { ReissueQueue } from './pages/ops/ReissueQueue';
import { TierTables } from './pages/ops/TierTables';
import { ApplicationPage } from './pages/partner/ApplicationPage';
import { CertificationPage } from './pages/partner/CertificationPage';
import { EngagementPage } from './pages/partner/EngagementPage';
import { PartnerHome } from './pages/partner/PartnerHome';

const NAV: Record<Me['role'], [string, string][]> = {
  'team-captain': [['/', 'My accounts']],
  partner: [
    ['/', 'My certifications'],
    ['/certifications/new', 'Apply'],
  ],
  'account-manager': [
    ['/', 'Accounts'],
    ['/nominations/new', 'Nominate'],
  ],
  ops: [
    ['/ops', 'Work queues'],
    ['/ops/extension-requests', 'Reissue requests'],
    ['/ops/tier-tables', 'Tier tables'],
  ],
  telemetry: [],
};

function Home({ me }: { me: Me }) {
  if (me.role === 'team-captain') return <CaptainHome />;
  if (me.role === 'partner') return <PartnerHome />;
  if (me.role === 'account-manager') return <AmHome />;
  if (me.role === 'ops') return <OpsHome />;
  return <Page title="Nothing here">This role has no pages.</Page>;
}

function SignIn() {
  const here = useLocation();
  const returnTo = encodeURIComponent(`/app${here.pathname}${here.search}`);
  return (
    <Page title="Sign in">
      <p>
        <a href={`/auth/login?returnTo=${returnTo}`}>Sign in with your company account</a> to continue.
      </p>
    </Page>
  );
}

function Header({ me }: { me?: Me }) {
  return (
    <header className="top">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <strong>Cisco Programs</strong>
      {me && (
        <nav aria-label="Main">
          <ul>
            {NAV[me.role].map(([to, label]) => (
              <li key={to}>
                <Link to={to}>{label}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {me && (
        <form className="who" method="post" action="/auth/logout">
          <input type="hidden" name="csrfToken" value={me.csrfToken} />
          <span>{me.name} </span>
          <button type="submit" className="secondary">
            Sign out
          </button>
        </form>
      )}
    </header>
  );
}

export function App() {
  const me = useMe();
  const signedOut = me.error instanceof ApiError && me.error.status === 401;
  return (
    <>
      <Header me={me.data} />
      <main id="main" tabIndex={-1}>
        {signedOut ? (
          <SignIn />
        ) : (
          <Loaded query={me}>
            {(who) => (
              <Routes>
                <Route path="/" element={<Home me={who} />} />
                <Route path="/accounts/:id" element={<AccountPage />} />
                <Route path="/accounts/:id/terms" element={<TermsPage />} />
                <Route path="/accounts/:id/statements/:month" element={<StatementPage />} />
                <Route path="/redemptions/:id" element={<RedemptionPage />} />
                <Route path="/lots/:id" element={<LotPage />} />
                <Route path="/vouchers/:id" element={<VoucherPage />} />
                <Route path="/certifications/new" element={<ApplicationPage />} />
                <Route path="/certifications/:id" element={<CertificationPage />} />
                <Route path="/engagements/:id" element={<EngagementPage />} />
                <Route path="/nominations/new" element={<NominationPage />} />
                <Route path="/ops" element={<OpsHome />} />
                <Route path="/ops/extension-requests" element={<ReissueQueue />} />
                <Route path="/ops/tier-tables" element={<TierTables />} />
                <Route path="*" element={<Page title="Not found">No page here.</Page>} />
              </Routes>
            )}
          </Loaded>
        )}
      </main>
    </>
  );
}
