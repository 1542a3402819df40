import { createClient, type Client } from 'graphql-ws';

export interface FieldError {
  path: string[];
  message: string;
}

export class Api {
  private ws: Client | undefined;

  constructor(private readonly token: string) {}

  /** One operation over HTTP; throws with the first error's message when there is no data. */
  async request<Data = any>(query: string, variables: Record<string, unknown> = {}): Promise<Data> {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Data; errors?: { message: string }[] };
    if (!body.data || body.errors?.length) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
    return body.data;
  }

  /** A live subscription over graphql-ws; `onEvent` gets each result's data. */
  subscribe<Data = any>(query: string, onEvent: (data: Data) => void): () => void {
    this.ws ??= createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: { authorization: `Bearer ${this.token}` },
      retryAttempts: Infinity,
    });
    return this.ws.subscribe<Data>(
      { query },
      {
        next: (result) => result.data && onEvent(result.data as Data),
        error: (error) => console.error(error),
        complete: () => undefined,
      },
    );
  }

  close(): void {
    void this.ws?.dispose();
  }
}
