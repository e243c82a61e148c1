/** A connection URL fit for a message an operator reads: its password masked. */
export function safeUrl(url: string): string {
  // a Redis Cluster's node list (h1:7000,h2:7001) is no WHATWG URL
  if (!URL.canParse(url)) return url.replace(/^([a-z+]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
