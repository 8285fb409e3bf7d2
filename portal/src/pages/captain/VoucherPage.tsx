import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api, ok } from '../../api/client';
import { Facts, Loaded, Page } from '../../components/layout';

/** CLC-5: an exam voucher, as its issue and reminder emails link to it: the exam, its holder, its year. */
export function VoucherPage() {
  const { id = '' } = useParams();
  const voucher = useQuery({
    queryKey: ['voucher', id],
    queryFn: () => ok(api.GET('/v1/vouchers/{id}', { params: { path: { id } } })),
  });
  return (
    <Page title={`Exam voucher ${id}`}>
      <Loaded query={voucher}>
        {(v) => (
          <>
            <Facts
              items={[
                ['Exam', v.exam],
                ['Holder', `${v.holder.name} (${v.holder.email})`],
                ['Credits', v.credits],
                ['Issued on', v.issuedOn],
                ['Expires on', v.expiresOn],
                ['State', v.state === 'issued' ? 'issued, not refundable' : 'expired'],
              ]}
            />
            <p>
              <Link to={`/redemptions/${encodeURIComponent(v.redemptionId)}`}>The redemption that paid for it</Link>
            </p>
          </>
        )}
      </Loaded>
    </Page>
  );
}
