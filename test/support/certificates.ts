import type { StorageDesk } from '../../storage/create-desk.ts';
import type { CertificateAuthority } from '../../domain/ports/certificate-authority.ts';
import { issueCertificate } from '../../domain/use-cases/issue-certificate.ts';
import { applicantCsr } from './csr.ts';
import { passingChecks, PEOPLE } from './storage-desk.ts';

/**
 * A certificate really issued by the (sandbox) CA to one of PEOPLE: an approved issuance request with the
 * agreement accepted is written through the repository, then `issueCertificate` runs with a fresh CSR.
 */
export async function seedIssuedCertificate(
  desk: StorageDesk, ca: CertificateAuthority, who: keyof typeof PEOPLE, options: { channel?: 'email' | 'telegram'; chatId?: string } = {},
): Promise<{ requestId: string; certificateId: string; serial: string; personId: string }> {
  const p = desk.ports;
  const person = await p.roster.findByNip(PEOPLE[who].nip);
  if (!person) throw new Error(`${who} is not on the roster`);
  const requestId = await p.uow.run(async (tx) => {
    const id = await p.cases.nextId('issuance', p.clock.now().getUTCFullYear(), tx);
    await p.cases.create({
      id, kind: 'issuance', status: 'approved', channel: options.channel ?? 'email',
      applicant: { personId: person.personId, nip: person.nip, email: person.email, name: person.name },
      applicantNik: PEOPLE[who].nik, certificateType: 'individual', uses: ['signature', 'email'],
      details: {
        agreementAcceptedAt: p.clock.now().toISOString(), agreementSha256: 'a'.repeat(64), rosterAgency: person.agency, rosterPosition: person.position,
        ...(options.chatId ? { telegramChatId: options.chatId } : {}),
      },
      checks: passingChecks(), reviewRound: 1, createdAt: p.clock.now().toISOString(),
    }, tx);
    return id;
  });
  const issued = await issueCertificate(p, ca, { requestId, personId: person.personId, csrPem: await applicantCsr(person.email) });
  if (!issued.ok) throw new Error(`sandbox issuance refused: ${issued.code}`);
  return { requestId, certificateId: issued.value.certificateId, serial: issued.value.serial, personId: person.personId };
}
