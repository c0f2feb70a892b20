import { describe, expect, it } from 'vitest';
import { CreateAccountBody } from '#contexts/accounts/routes.ts';
import { Phone } from '#platform/http/schemas.ts';
import { normalizePhone } from '#platform/phone.ts';

// Phones as citizens write them: the API takes `0812...` and stores `+62812...`, the one
// format the contract names; what is not a mobile number is still refused.
describe('phone numbers', () => {
  it.each([
    ['+6281234567890', '+6281234567890'],
    ['081234567890', '+6281234567890'],
    ['0812 3456 7890', '+6281234567890'],
    ['0812-3456-7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
  ])('accepts %s as %s', (written, stored) => {
    expect(normalizePhone(written)).toBe(stored);
    expect(Phone.parse(written)).toBe(stored);
  });

  it.each(['', '0', '02112345678', '0812', '+6581234567890', 'phone', '08123456789012345'])(
    'refuses %j',
    (written) => {
      expect(Phone.safeParse(written).success).toBe(false);
    },
  );

  it('registers with the number normalised', () => {
    const body = CreateAccountBody.parse({
      fullName: 'Siti',
      email: 'siti@example.com',
      password: 'correct horse battery',
      phone: '081234567890',
    });
    expect(body.phone).toBe('+6281234567890');
  });
});
