import { z } from 'zod';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const currencies = new Set(Intl.supportedValuesOf('currency'));

/** Whether a code is an ISO 3166-1 alpha-2 country (upper case). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && regionNames.of(code) !== code;
}

/** The English name of a country code, e.g. "BE" → "Belgium". */
export function countryName(code: string): string {
  return regionNames.of(code) ?? code;
}

/** An ISO 4217 currency code, upper-cased. */
export const currencyCode = (message: string) =>
  z
    .string()
    .transform((code) => code.toUpperCase())
    .refine((code) => currencies.has(code), message);

/** A non-negative money amount as a decimal string, at most 2 decimals. */
export const decimalAmount = (message: string) => z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, message);
