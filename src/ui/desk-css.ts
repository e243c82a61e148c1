/** The pages' one stylesheet, a TypeScript string so that the build (tsc) ships it. */
export const DESK_CSS = `
:root{--fg:#1c1e21;--muted:#555;--line:#d0d4d9;--accent:#0b5cad;--bad:#b00020;--ok:#1b6e2a;--bg:#fff;--soft:#f4f6f8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
main{max-width:72rem;margin:0 auto;padding:1rem}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;padding:.6rem 1rem;background:var(--soft);border-bottom:1px solid var(--line)}
.top nav{display:flex;flex-wrap:wrap;gap:1rem;flex:1}
.brand{font-weight:700;text-decoration:none}
.narrow{max-width:28rem;margin:2rem auto}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
.crumbs{color:var(--muted);margin:0;overflow-wrap:anywhere}
small,.hint{color:var(--muted)}
.field{margin:0 0 .9rem}
.field label{display:block;font-weight:600;margin-bottom:.2rem}
.field.check{display:flex;gap:.5rem;align-items:center}.field.check label{margin:0}
input,select,textarea,button{font:inherit}
input,select,textarea{width:100%;max-width:32rem;padding:.45rem .5rem;border:1px solid #767676;border-radius:4px;background:#fff;color:var(--fg)}
input[type=checkbox]{width:auto}
.invalid input,.invalid select,.invalid textarea{border-color:var(--bad);border-width:2px}
.error{color:var(--bad);margin:.25rem 0 0;font-weight:600}
.notice{color:var(--ok);font-weight:600}
button,.button{display:inline-block;padding:.45rem .9rem;border:1px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--accent)}
button.link{background:none;border:none;color:var(--accent);text-decoration:underline;padding:0}
form.inline{display:inline}
.actions{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin-bottom:1rem}
.filters .field{margin:0;min-width:12rem;flex:1}
.table{overflow-x:auto;margin:.5rem 0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{background:var(--soft)}
.tree{list-style:none;padding-left:1.25rem;border-left:1px solid var(--line)}
main>.tree{border:0;padding-left:0}
.tree li{margin:.35rem 0}
.tag{display:inline-block;padding:0 .4rem;border-radius:3px;background:var(--soft);border:1px solid var(--line);font-size:.85rem}
.note{border:1px solid var(--line);border-radius:4px;padding:.5rem .75rem;margin:.5rem 0;overflow-wrap:anywhere}
.note .text{white-space:pre-wrap}
.note header{font-size:.85rem;color:var(--muted)}
.counts{display:flex;flex-wrap:wrap;gap:1rem;padding:0;list-style:none}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.35rem}
 table.stack thead{display:none}table.stack tr{display:block;border-bottom:2px solid var(--line);padding:.4rem 0}
 table.stack td{display:block;border:0;padding:.15rem 0}table.stack td.actions{display:flex;padding-top:.4rem}table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
`;
