import { DemoError } from './demo-error';

type Method = 'GET' | 'POST' | 'PUT';

const causeOf = (err: unknown): string => {
  const e = err as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
};

/** The admin API as any client sees it: JSON over HTTP with a bearer token. */
export class DemoApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(init.body ? { 'content-type': 'application/json' } : {}),
        },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new DemoError(
        `cannot reach desk's API at ${this.baseUrl} (${causeOf(err)}): start desk (npm start) or set DESK_API_URL`,
      );
    }
  }

  async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const init = { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    const res = await this.fetch(`/api/v1${path}`, init);
    if (res.status === 401)
      throw new DemoError(
        'the API refused the token: use one from `npm run desk -- token create --admin`, or the desk’s ADMIN_TOKEN',
      );
    if (res.status === 403)
      throw new DemoError('the demo needs an instance admin’s token, and this one is a user’s');
    const text = await res.text();
    if (!res.ok) throw new DemoError(`${method} /api/v1${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  get = <T>(path: string) => this.call<T>('GET', path);
  post = <T>(path: string, body: unknown) => this.call<T>('POST', path, body);
  put = <T>(path: string, body: unknown) => this.call<T>('PUT', path, body);

  /** The status a page outside /api/v1 answers with this token (0 when unreachable). */
  async statusOf(path: string): Promise<number> {
    return (await this.fetch(path).catch(() => null))?.status ?? 0;
  }
}
