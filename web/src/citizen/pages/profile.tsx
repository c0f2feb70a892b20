import { useState } from 'preact/hooks';
import { KK_MESSAGES, NIK_MESSAGES, validateNik } from '#contexts/accounts/rules/nik.ts';
import { PROVINCES } from '#contexts/accounts/rules/provinces.ts';
import { useData } from '../../lib/data.ts';
import { Field, FormMessage, formValues, Select, Submit, useForm } from '../../lib/form.tsx';
import { currentLang } from '../../lib/i18n.ts';
import { navigate } from '../../lib/router.ts';
import { meApi, problemText } from '../session.ts';
import { type CitizenKey, kkReasonText, nikReasonText, t } from '../strings.ts';
import type { Me } from '../types.ts';

const EDUCATION = [
  'none',
  'primary',
  'junior_high',
  'senior_high',
  'diploma',
  'bachelor',
  'postgraduate',
] as const;
const WORK = ['unemployed', 'laid_off', 'employed', 'micro_business'] as const;
const DECLARATIONS = [
  'student',
  'civilServant',
  'militaryOrPolice',
  'villageOfficial',
  'stateEnterpriseBoard',
  'otherAidRecipient',
] as const;

interface Claims {
  nik: string;
  birthDate: string;
  gender: string;
  provinceCode: string;
}

/** The server's own rules (the shared domain module), run as the citizen types. */
function nikCheck(c: Claims): { ok: boolean; message?: string } {
  if (!c.nik) return { ok: false };
  if (!c.birthDate || !c.gender || !c.provinceCode) {
    return /^\d{0,16}$/.test(c.nik)
      ? { ok: false }
      : { ok: false, message: nikReasonText[currentLang()].format };
  }
  const reasons = validateNik(c.nik, {
    birthDate: c.birthDate,
    gender: c.gender as 'M' | 'F',
    provinceCode: c.provinceCode,
  });
  if (!reasons.length) return { ok: true };
  // While still typing the 16 digits, say nothing yet about the rest.
  if (reasons[0] === 'format' && /^\d{0,15}$/.test(c.nik)) return { ok: false };
  return { ok: false, message: reasons.map((r) => nikReasonText[currentLang()][r]).join(' ') };
}

const reasonOf = <R extends string>(messages: Record<R, string>, message: string) =>
  (Object.keys(messages) as R[]).find((reason) => messages[reason] === message);

/** The server's NIK and KK reasons (the shared module's words) in the citizen's language. */
function reasonText(field: string, message: string): string | undefined {
  const lang = currentLang();
  const nik = field === 'nik' ? reasonOf(NIK_MESSAGES, message) : undefined;
  if (nik) return nikReasonText[lang][nik];
  const kk = field === 'kk' ? reasonOf(KK_MESSAGES, message) : undefined;
  return kk && kkReasonText[lang][kk];
}

export default function ProfilePage() {
  // The saved profile fills the form in (NIK and KK come masked: typed again to save).
  const me = useData(() => meApi<Me>('GET', '/v1/me'));
  if (me.error) return <p role="alert">{problemText(me.error)}</p>;
  if (!me.data) return <p aria-live="polite">{t('loading')}</p>;
  return <ProfileForm saved={me.data.profile} />;
}

function ProfileForm({ saved }: { saved: Me['profile'] }) {
  const form = useForm('profile');
  const [claims, setClaims] = useState<Claims>({
    nik: '',
    birthDate: saved?.birthDate ?? '',
    gender: saved?.gender ?? '',
    provinceCode: saved?.provinceCode ?? '',
  });
  const check = nikCheck(claims);
  const onInput = (event: Event) => {
    const target = event.target as HTMLInputElement;
    if (target.name in claims) setClaims({ ...claims, [target.name]: target.value.trim() });
  };
  const onSubmit = (event: Event) => {
    event.preventDefault();
    const values = formValues(event.currentTarget as HTMLFormElement);
    const declarations = Object.fromEntries(
      DECLARATIONS.map((d) => [d, values[`declarations.${d}`] === true]),
    );
    const body = {
      nik: values.nik,
      kk: values.kk,
      birthDate: values.birthDate,
      gender: values.gender,
      provinceCode: values.provinceCode,
      education: values.education,
      workStatus: values.workStatus,
      declarations,
    };
    if (check.message) return form.setErrors({ nik: check.message });
    void form.submit(async () => {
      await meApi('PUT', '/v1/me/profile', { body, fieldText: reasonText });
      navigate('/home');
    }, problemText);
  };
  const e = form.errors;
  const choose: [string, string] = ['', t('choose')];
  return (
    <section>
      <h1 tabIndex={-1}>{t('profileTitle')}</h1>
      <form id="profile" onSubmit={onSubmit} onInput={onInput} noValidate>
        <FormMessage message={form.message} />
        <Field
          name="birthDate"
          label={t('birthDate')}
          type="date"
          required
          defaultValue={saved?.birthDate}
          error={e.birthDate}
        />
        <Select
          name="gender"
          label={t('gender')}
          required
          defaultValue={saved?.gender}
          error={e.gender}
          options={[choose, ['M', t('genderM')], ['F', t('genderF')]]}
        />
        <Select
          name="provinceCode"
          label={t('province')}
          required
          defaultValue={saved?.provinceCode}
          error={e.provinceCode}
          options={[
            choose,
            ...Object.entries(PROVINCES).map(([code, name]): [string, string] => [code, name]),
          ]}
        />
        <Field
          name="nik"
          label={t('nik')}
          hint={saved ? `${t('nikHint')} ${t('savedMasked', { value: saved.nikMasked })}` : t('nikHint')}
          inputMode="numeric"
          maxLength={16}
          autocomplete="off"
          required
          error={check.message ?? e.nik}
        />
        <p class="ok" aria-live="polite">
          {check.ok ? t('nikOk') : ''}
        </p>
        <Field
          name="kk"
          label={t('kk')}
          hint={saved ? t('savedMasked', { value: saved.kkMasked }) : undefined}
          inputMode="numeric"
          maxLength={16}
          autocomplete="off"
          required
          error={e.kk}
        />
        <Select
          name="education"
          label={t('education')}
          required
          defaultValue={saved?.education}
          error={e.education}
          options={[
            choose,
            ...EDUCATION.map((v): [string, string] => [v, t(`education.${v}` as CitizenKey)]),
          ]}
        />
        <Select
          name="workStatus"
          label={t('workStatus')}
          required
          defaultValue={saved?.workStatus}
          error={e.workStatus}
          options={[choose, ...WORK.map((v): [string, string] => [v, t(`work.${v}` as CitizenKey)])]}
        />
        <fieldset>
          <legend>{t('declarationsTitle')}</legend>
          {DECLARATIONS.map((d) => (
            <label key={d} class="check">
              <input
                type="checkbox"
                name={`declarations.${d}`}
                defaultChecked={saved?.declarations[d] ?? false}
              />{' '}
              {t(`decl.${d}` as CitizenKey)}
            </label>
          ))}
        </fieldset>
        <Submit busy={form.busy}>{t('save')}</Submit>
      </form>
      <p>
        <a href="#/home">{t('back')}</a>
      </p>
    </section>
  );
}
