import { useState } from 'preact/hooks';
import { PAYMENT_PARTNERS } from '#shared/payments/partners.ts';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Select, Submit, useForm } from '../../lib/form.tsx';
import { meApi, problemText } from '../session.ts';
import { type CitizenKey, t } from '../strings.ts';
import type { Me } from '../types.ts';

const PARTNER_NAMES: Record<string, string> = {
  bni: 'BNI',
  bri: 'BRI',
  mandiri: 'Bank Mandiri',
  gopay: 'GoPay',
  ovo: 'OVO',
  linkaja: 'LinkAja',
  dana: 'DANA',
  shopeepay: 'ShopeePay',
};

export default function PayoutAccountPage() {
  const me = useData(() => meApi<Me>('GET', '/v1/me'));
  const link = useForm('payout-link');
  const confirm = useForm('payout-confirm');
  const [partnerCode, setPartnerCode] = useState('');
  const account = me.data?.payoutAccount ?? null;
  const isWallet = PAYMENT_PARTNERS.find((p) => p.code === partnerCode)?.kind === 'e-wallet';

  const onLink = (event: Event) => {
    event.preventDefault();
    const { partnerCode: code, accountNumber } = formValues(event.currentTarget as HTMLFormElement);
    void link.submit(async () => {
      await meApi('PUT', '/v1/me/payout-account', { body: { partnerCode: code, accountNumber } });
      me.reload();
    }, problemText);
  };
  const onConfirm = (event: Event) => {
    event.preventDefault();
    const { otp } = formValues(event.currentTarget as HTMLFormElement);
    void confirm.submit(async () => {
      await meApi('POST', '/v1/me/payout-account/confirmation', { body: { otp } });
      me.reload();
    }, problemText);
  };
  return (
    <section>
      <h1 tabIndex={-1}>{t('payoutTitle')}</h1>
      <p>{t('payoutIntro')}</p>
      {me.error && <p role="alert">{problemText(me.error)}</p>}
      {account && (
        <div class="panel" aria-live="polite">
          <p>
            {t('currentAccount', {
              partner: PARTNER_NAMES[account.partnerCode] ?? account.partnerCode,
              number: account.accountNumberMasked,
            })}
          </p>
          <p class={account.status === 'VERIFIED' ? 'ok' : ''}>
            {t('status')}: <strong>{t(`payout.${account.status}` as CitizenKey)}</strong>
            {account.reason ? ` (${account.reason})` : ''}
          </p>
        </div>
      )}
      {account?.status === 'PENDING_VERIFICATION' && (
        <form id="payout-confirm" onSubmit={onConfirm} noValidate>
          <FormMessage message={confirm.message} />
          <Field
            name="otp"
            label={t('otp')}
            inputMode="numeric"
            autocomplete="one-time-code"
            maxLength={6}
            required
            error={confirm.errors.otp}
          />
          <Submit busy={confirm.busy}>{t('confirm')}</Submit>
        </form>
      )}
      <form id="payout-link" onSubmit={onLink} noValidate>
        <FormMessage message={link.message} />
        <Select
          name="partnerCode"
          label={t('partner')}
          required
          error={link.errors.partnerCode}
          value={partnerCode}
          onChange={(e: Event) => setPartnerCode((e.target as HTMLSelectElement).value)}
          options={[
            ['', t('choose')],
            ...PAYMENT_PARTNERS.map((p): [string, string] => [p.code, PARTNER_NAMES[p.code] ?? p.code]),
          ]}
        />
        <Field
          name="accountNumber"
          label={t('accountNumber')}
          hint={t('accountNumberHint')}
          inputMode={isWallet ? 'tel' : 'numeric'}
          autocomplete="off"
          required
          key={isWallet ? 'wallet' : 'bank'}
          defaultValue={isWallet ? (me.data?.phone ?? '') : ''}
          error={link.errors.accountNumber}
        />
        <Submit busy={link.busy}>{t('link')}</Submit>
      </form>
      <p>
        <a href="#/home">{t('back')}</a>
      </p>
    </section>
  );
}
