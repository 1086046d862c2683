// A small typed client for the SmartGov API: plain fetch plus the generated `paths` types
// (src/schema.d.ts, from openapi/merged.json via `npm run generate`). Copy what you need;
// every request and response type below comes from the OpenAPI document.
import type { components, operations, paths } from "./schema";

export type Problem = components["schemas"]["Problem"];
export type UseCasePage =
  paths["/api/v1/use-cases"]["get"]["responses"][200]["content"]["application/json"];
export type ListUseCasesQuery = NonNullable<operations["listUseCases"]["parameters"]["query"]>;
export type Dataset =
  paths["/api/v1/datasets/{id_or_name}"]["get"]["responses"][200]["content"]["application/json"];
export type ContributionIn =
  paths["/api/v1/processes/{process_id}/contributions"]["post"]["requestBody"]["content"]["application/json"];
export type Contribution =
  paths["/api/v1/processes/{process_id}/contributions"]["post"]["responses"][201]["content"]["application/json"];

/** Every non-2xx answer is RFC 9457 problem+json. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
  }
}

export interface ClientOptions {
  /** The gateway, e.g. https://api.musterstadt.example */
  baseUrl: string;
  /** An OIDC access token (or a dev token from `smartgov token`). */
  token?: string;
  /** An API key of a municipal system (sent as X-API-Key). */
  apiKey?: string;
}

export class SmartGovClient {
  constructor(private readonly options: ClientOptions) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = { Accept: "application/json", ...extra };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (this.options.apiKey) headers["X-API-Key"] = this.options.apiKey;
    return headers;
  }

  private async request<T>(path: string, init: RequestInit = {}): Promise<{ body: T; etag: string | null }> {
    const response = await fetch(new URL(path, this.options.baseUrl), init);
    if (!response.ok) throw new ApiError((await response.json()) as Problem);
    return { body: (await response.json()) as T, etag: response.headers.get("ETag") };
  }

  /** One page of use cases; pass `next_cursor` back as `cursor` for the next one. */
  async listUseCases(query: ListUseCasesQuery = {}): Promise<UseCasePage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) params.set(key, String(value));
    }
    const { body } = await this.request<UseCasePage>(`/api/v1/use-cases?${params}`, {
      headers: this.headers(),
    });
    return body;
  }

  /** Every use case, following the cursor. */
  async *allUseCases(query: ListUseCasesQuery = {}): AsyncGenerator<UseCasePage["items"][number]> {
    let cursor: string | null | undefined = undefined;
    do {
      const page: UseCasePage = await this.listUseCases({ ...query, cursor });
      yield* page.items;
      cursor = page.next_cursor;
    } while (cursor);
  }

  /** A dataset by id or name, with its ETag (send it as If-Match when changing it). */
  async getDataset(idOrName: string): Promise<{ dataset: Dataset; etag: string | null }> {
    const { body, etag } = await this.request<Dataset>(
      `/api/v1/datasets/${encodeURIComponent(idOrName)}`,
      { headers: this.headers() },
    );
    return { dataset: body, etag };
  }

  /** A contribution to a participation process; the Idempotency-Key makes retries safe. */
  async createContribution(
    processId: string,
    contribution: ContributionIn,
    idempotencyKey: string = crypto.randomUUID(),
  ): Promise<Contribution> {
    const { body } = await this.request<Contribution>(
      `/api/v1/processes/${encodeURIComponent(processId)}/contributions`,
      {
        method: "POST",
        headers: this.headers({ "Content-Type": "application/json", "Idempotency-Key": idempotencyKey }),
        body: JSON.stringify(contribution),
      },
    );
    return body;
  }
}
