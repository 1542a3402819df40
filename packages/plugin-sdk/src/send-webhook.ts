/** A webhook delivery as a board sends it. */
export interface SignedDelivery {
  headers: Record<string, string>;
  body: string;
}

export interface SendOutcome {
  /** Status of the last answer; 0 when the connection failed every time. */
  status: number;
  attempts: number;
}

/**
 * The sending side of a board's webhooks: posts a delivery and, like boards do, tries again (after
 * `retryDelayMs`) when the answer is not 2xx or the connection fails, up to `attempts` times. A 4xx other
 * than 408/429 is final. `duplicate` sends the same delivery twice at once, as boards sometimes do.
 */
export async function sendWebhook(
  url: string,
  delivery: SignedDelivery,
  options: { attempts?: number; retryDelayMs?: number; duplicate?: boolean; timeoutMs?: number } = {},
): Promise<SendOutcome> {
  const { attempts = 1, retryDelayMs = 200, duplicate = false, timeoutMs = 10_000 } = options;
  const post = async (): Promise<number> => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...delivery.headers },
        body: delivery.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  };
  let status = 0;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const statuses = await Promise.all(duplicate && attempt === 1 ? [post(), post()] : [post()]);
    status = statuses.find((code) => code >= 200 && code < 300) ?? statuses[0]!;
    const final =
      (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 408 && status !== 429);
    if (final) return { status, attempts: attempt };
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  }
  return { status, attempts };
}
