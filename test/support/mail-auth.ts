import { generateKeyPairSync } from 'node:crypto';
import { authenticate, dkimSign, sealMessage } from 'mailauth';
import type { DnsRecords } from './dns-records';
import { mapResolver } from './dns-records';

/**
 * A customer domain and a mailing list, each with a key made for this run, and what their DNS
 * publishes: customer.example lets 127.0.0.1 send (SPF), signs with `s1` and asks receivers to
 * reject what fails DMARC; lists.example sends from 127.0.0.2 and seals ARC with `arc`.
 */
export const CUSTOMER_IP = '127.0.0.1';
export const LIST_IP = '127.0.0.2';
export const STRANGER_IP = '127.0.0.9';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dns: `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`,
  };
}

export function mailAuthWorld() {
  const customer = keyPair();
  const list = keyPair();
  const records: DnsRecords = {
    'customer.example': { TXT: [`v=spf1 ip4:${CUSTOMER_IP} -all`] },
    's1._domainkey.customer.example': { TXT: [customer.dns] },
    '_dmarc.customer.example': { TXT: ['v=DMARC1; p=reject'] },
    // signs and has SPF, publishes no DMARC record
    'nodmarc.example': { TXT: [`v=spf1 ip4:${CUSTOMER_IP} -all`] },
    's1._domainkey.nodmarc.example': { TXT: [customer.dns] },
    'lists.example': { TXT: [`v=spf1 ip4:${LIST_IP} -all`] },
    'arc._domainkey.lists.example': { TXT: [list.dns] },
    'attacker.example': { TXT: [`v=spf1 ip4:${STRANGER_IP} -all`] },
  };

  /** The message with a DKIM-Signature of `domain` (customer.example's key) on top. */
  async function signed(lines: string[], domain = 'customer.example'): Promise<Buffer> {
    const message = lines.join('\r\n');
    // mailauth's typings lag its code (and README), which takes a list of signatures
    const { signatures, errors } = await dkimSign(message, {
      signatureData: [{ signingDomain: domain, selector: 's1', privateKey: customer.privateKey }],
    } as never);
    if (errors.length > 0) throw new Error(`signing failed: ${JSON.stringify(errors)}`);
    return Buffer.from(signatures + message);
  }

  /**
   * What a mailing list makes of a customer's signed message: it authenticates it as it arrives,
   * tags the subject and adds a footer (which breaks the customer's DKIM signature) and seals
   * the result with ARC, recording what it saw.
   */
  async function throughList(original: Buffer): Promise<Buffer> {
    const seen = await authenticate(original, {
      ip: CUSTOMER_IP,
      helo: 'mail.customer.example',
      sender: 'alice@customer.example',
      mta: 'lists.example',
      resolver: mapResolver(records) as never,
      disableBimi: true,
    });
    if (!seen.arc) throw new Error('no ARC result');
    const text = original.toString('utf8');
    const modified = Buffer.from(
      `List-Id: <help.lists.example>\r\n${text.replace('Subject: ', 'Subject: [help] ')}` +
        '-- \r\nYou are subscribed to help@lists.example\r\n',
    );
    const seal = await sealMessage(modified, {
      signingDomain: 'lists.example',
      selector: 'arc',
      privateKey: list.privateKey,
      authResults: seen.arc.authResults!,
      cv: seen.arc.status.result,
    } as never);
    return Buffer.concat([seal, modified]);
  }

  return { records, signed, throughList };
}
