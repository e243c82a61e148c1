import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';

export interface DemoPeople {
  alice: string;
  bob: string;
  carol: string;
  dave: string;
}

export interface DemoMail {
  what: string;
  options: Mail.Options;
}

const CUSTOMER = 'customer.example';

/** A delivery-status report as an MTA sends it (RFC 3464), from the null sender. */
function bounce(run: string, to: string): string {
  return [
    `From: Mail Delivery System <MAILER-DAEMON@mx.${CUSTOMER}>`,
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <bounce-${run}@mx.${CUSTOMER}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="report"',
    '',
    '--report',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered to one or more recipients.',
    '--report',
    'Content-Type: message/delivery-status',
    '',
    `Reporting-MTA: dns; mx.${CUSTOMER}`,
    '',
    `Final-Recipient: rfc822; nobody@${CUSTOMER}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '--report--',
    '',
  ].join('\r\n');
}

/** What customers (and their machines) send in one run of the demo, in order. */
export function demoMails(run: string, to: string, people: DemoPeople): DemoMail[] {
  const first = `<ticket-${run}@${CUSTOMER}>`;
  return [
    {
      what: 'a new ticket from Alice',
      options: {
        from: `Alice Anders <${people.alice}>`,
        to,
        subject: 'Printer on fire',
        messageId: first,
        text: 'The printer on floor 2 is smoking. Please help!',
      },
    },
    {
      what: 'Alice’s reply to it (In-Reply-To the first Message-ID)',
      options: {
        from: `Alice Anders <${people.alice}>`,
        to,
        subject: 'Re: Printer on fire',
        messageId: `<reply-${run}@${CUSTOMER}>`,
        inReplyTo: first,
        references: [first],
        text: 'It has stopped smoking, but it still does not print.',
      },
    },
    {
      what: 'a new ticket from Dave (no contact), CC Bob and the inactive Carol',
      options: {
        from: `Dave Doe <${people.dave}>`,
        to,
        cc: [`Bob Brown <${people.bob}>`, `Carol Clark <${people.carol}>`],
        subject: 'VPN down',
        messageId: `<vpn-${run}@${CUSTOMER}>`,
        text: 'None of us can reach the VPN since this morning.',
      },
    },
    {
      what: 'an auto-reply (Auto-Submitted: auto-replied)',
      options: {
        from: `Alice Anders <${people.alice}>`,
        to,
        subject: 'Automatic reply: Printer on fire',
        messageId: `<ooo-${run}@${CUSTOMER}>`,
        headers: { 'Auto-Submitted': 'auto-replied' },
        text: 'I am out of the office until Monday.',
      },
    },
    {
      what: 'a bounce (multipart/report from MAILER-DAEMON, null sender)',
      // an empty envelope sender is sent as MAIL FROM:<>
      options: { envelope: { from: '', to }, raw: bounce(run, to) },
    },
  ];
}

/** Sends the mails one after another over one SMTP connection, as an MTA would. */
export async function sendMails(smtp: { host: string; port: number }, mails: DemoMail[]) {
  const transport = createTransport({ ...smtp, secure: false, ignoreTLS: true, pool: false });
  try {
    const replies: string[] = [];
    for (const mail of mails) replies.push((await transport.sendMail(mail.options)).response);
    return replies;
  } finally {
    transport.close();
  }
}
