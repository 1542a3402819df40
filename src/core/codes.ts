import { z } from 'zod';

const currencies = new Set(Intl.supportedValuesOf('currency'));

export { countryName, isCountryCode } from '@multiposting/plugin-sdk/host';

/** An ISO 4217 currency code, upper-cased. */
export const currencyCode = (message: string) =>
  z
    .string()
    .transform((code) => code.toUpperCase())
    .refine((code) => currencies.has(code), message);

/** A non-negative money amount as a decimal string, at most 2 decimals. */
export const decimalAmount = (message: string) => z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, message);
