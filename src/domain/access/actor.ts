/** Who is calling: a user's token, or the configured instance-admin token (no user behind it). */
export interface Actor {
  userId: number | null;
  isAdmin: boolean;
}
