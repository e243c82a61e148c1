import { DemoApi } from './demo/demo-api';
import { DemoError } from './demo/demo-error';
import { demoMails, sendMails } from './demo/demo-mails';
import { print, printMail, printTickets, printWhereNext } from './demo/demo-report';
import { linkedTickets, processedEmails } from './demo/demo-results';
import { setUpDemo } from './demo/demo-setup';

function settings(env: NodeJS.ProcessEnv) {
  const token = env.DESK_TOKEN || env.ADMIN_TOKEN;
  if (!token)
    throw new DemoError(
      'the demo needs an admin token: set DESK_TOKEN to one from `npm run desk -- token create --admin`, or ADMIN_TOKEN to the desk’s',
      2,
    );
  const [host = '127.0.0.1', port = '2525'] = (env.DESK_SMTP || '127.0.0.1:2525').split(':');
  const apiUrl = (env.DESK_API_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
  return { token, apiUrl, smtp: { host, port: Number(port) } };
}

/** Sets up a customer, writes in as they would, and shows what desk made of it. */
async function main(): Promise<void> {
  const { token, apiUrl, smtp } = settings(process.env);
  const api = new DemoApi(apiUrl, token);
  const run = Date.now().toString(36);
  // nothing is created unless the token can do all of it: an instance admin's
  await api.get('/inbound-emails?limit=1');
  print(`desk demo ${run}: API ${apiUrl}, SMTP ${smtp.host}:${smtp.port}`);
  print();

  const setup = await setUpDemo(api, run);
  const { people } = setup;
  print('Set up through the API:');
  print(`  group         ${setup.group.name} (id ${setup.group.id}), customer relations enabled`);
  print(`  project       ${setup.project.name} (id ${setup.project.id}), Service Desk address`);
  print(`                ${setup.project.serviceDeskAddress}`);
  print(`  organization  ${setup.organization.name}`);
  print(`  contacts      Alice <${people.alice}>, Bob <${people.bob}>,`);
  print(`                Carol <${people.carol}> (inactive); Dave <${people.dave}> is not one`);
  print();

  const mails = demoMails(run, setup.project.serviceDeskAddress, people);
  const started = Date.now();
  const replies = await sendMails(smtp, mails).catch((err: Error) => {
    throw new DemoError(
      `cannot send to desk's SMTP at ${smtp.host}:${smtp.port} (${err.message}): start desk (npm start) or set DESK_SMTP`,
    );
  });
  print('Sent over SMTP:');
  mails.forEach((m, i) => print(`  ${i + 1}. ${m.what}: ${replies[i]}`));
  print();

  const emails = await processedEmails(api, setup.project.id, mails.length);
  const tickets = await linkedTickets(api, setup.project.id);
  print(`Processed and linked in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  print();
  printTickets(tickets);
  print();
  printMail(emails);
  print();
  await printWhereNext(api);
}

main().catch((err: unknown) => {
  const known = err instanceof DemoError;
  process.stderr.write(`demo: ${known ? '' : 'unexpected error: '}${(err as Error).message}\n`);
  process.exit(known ? err.exitCode : 1);
});
