/**
 * Tokens that matched nobody, counted per client address: past the limit a client waits before
 * it may present another, so tokens cannot be guessed at the speed of the API.
 */
export interface TokenGuesses {
  /** Milliseconds until `client` may present a token again; 0 when it may now. */
  waitMs(client: string): Promise<number>;
  /** Counts one unknown or revoked token from `client`. */
  record(client: string): Promise<void>;
}
