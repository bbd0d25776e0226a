import { fullFormats } from 'ajv-formats/dist/formats.js'

// A faster equal of ajv-formats' `date-time` (full mode, as Fastify's own validator checks it),
// the format response checks spend most on. ajv-formats splits the string on /t|\s/i and runs two
// regular expressions with captures: about 300 ns a value (600 on a string not yet flattened).
// isDateTime reads the common shape, `YYYY-MM-DDThh:mm:ss[.f]Z|±hh:mm`, by character codes (about
// 30 ns) and judges its numbers with ajv-formats' own rules (days of the month, leap years, its
// leap-second rule as written), and hands anything else to ajv-formats itself, so it answers as
// ajv-formats answers for every string (test/model/fast-formats.test.ts holds it to that).

type Check = (value: string) => boolean

/** ajv-formats' own `date-time` check (full mode: a time zone is required). */
export const ajvDateTime = (fullFormats['date-time'] as { validate: Check }).validate

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** The two ASCII digits at `i` as a number, or -1. */
function twoDigits (value: string, i: number): number {
  const a = value.charCodeAt(i) - 48
  const b = value.charCodeAt(i + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/** Whether `value` is a date-time as ajv-formats (full) judges it. */
export function isDateTime (value: string): boolean {
  const n = value.length
  // '-', '-', 'T' or 't', ':', ':' where the common shape has them.
  if (n < 20 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || (value.charCodeAt(10) | 32) !== 116 ||
    value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return ajvDateTime(value)
  const century = twoDigits(value, 0)
  const years = twoDigits(value, 2)
  const month = twoDigits(value, 5)
  const day = twoDigits(value, 8)
  const hour = twoDigits(value, 11)
  const minute = twoDigits(value, 14)
  const second = twoDigits(value, 17)
  if (century < 0 || years < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return ajvDateTime(value)
  let i = 19
  if (value.charCodeAt(i) === 46) {
    const from = ++i
    while (i < n && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++
    // ajv-formats reads the seconds as a number: past 12 digits `59.999...` may round to 60.
    if (i === from || i - from > 12) return ajvDateTime(value)
  }
  // 'Z' or 'z' last, or '+'/'-' and hh:mm last; anything else is ajv-formats' own to judge.
  const zone = value.charCodeAt(i)
  let sign = 1
  let zoneHour = 0
  let zoneMinute = 0
  if ((zone | 32) === 122) {
    if (i + 1 !== n) return ajvDateTime(value)
  } else if (zone === 43 || zone === 45) {
    if (i + 6 !== n || value.charCodeAt(i + 3) !== 58 || (zoneHour = twoDigits(value, i + 1)) < 0 || (zoneMinute = twoDigits(value, i + 4)) < 0) return ajvDateTime(value)
    if (zone === 45) sign = -1
  } else {
    return ajvDateTime(value)
  }
  const year = century * 100 + years
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS[month])) return false
  // ajv-formats' time rules, as written: the seconds with their fraction are below 60, or 61 for a
  // leap second at 23:59 UTC (its rule reads the hour and minute loosely, and so does this one).
  if (zoneHour > 23 || zoneMinute > 59) return false
  if (hour <= 23 && minute <= 59 && second <= 59) return true
  const utcMinute = minute - zoneMinute * sign
  const utcHour = hour - zoneHour * sign - (utcMinute < 0 ? 1 : 0)
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second <= 60
}
