import { useMemo } from 'react';
import { createDateTimeFormatter, type DateTimeFormatter } from '../../components/data-grid/date-time-text';
import { useStoredFlag } from '../../lib/use-stored-flag';

/** How the result grid shows date-times: in the person's time zone (named), or raw as the org returned them. */
export type DateTimeDisplay = {
  raw: boolean;
  setRaw: (raw: boolean) => void;
  /** The IANA zone date-times are shown in (`Europe/Berlin`). */
  timeZone: string;
  /** The formatter to hand the grid, or undefined when the person asked for raw values. */
  format: DateTimeFormatter | undefined;
};

/** The date-time display preference of the result grid, kept across restarts; one cached formatter per workbench. */
export function useDateTimeDisplay(): DateTimeDisplay {
  const [raw, setRaw] = useStoredFlag('query.rawDateTimes', false);
  const formatter = useMemo(() => createDateTimeFormatter(), []);
  return { raw, setRaw, timeZone: formatter.timeZone, format: raw ? undefined : formatter };
}
