/** The daily API request allowance: counted per REST call, shown in `Sforce-Limit-Info`, enforced with 403. */

/** The daily API counter. */
export interface ApiUsage {
  /** Counts one call; false when the allowance is used up (the call must be refused). */
  consume(): boolean;
  /** `api-usage=N/M`, the value of Sforce-Limit-Info. */
  header(): string;
  used(): number;
  max(): number;
  /** Sets how many calls remain today. */
  setRemaining(remaining: number): void;
  /** Starts a new day. */
  reset(): void;
}

/** Creates the counter with a daily maximum. */
export function createApiUsage(max: number): ApiUsage {
  let used = 0;
  return {
    consume() {
      if (used >= max) return false;
      used += 1;
      return true;
    },
    header: () => `api-usage=${used}/${max}`,
    used: () => used,
    max: () => max,
    setRemaining(remaining) {
      used = Math.min(max, Math.max(0, max - Math.floor(remaining)));
    },
    reset() {
      used = 0;
    },
  };
}
