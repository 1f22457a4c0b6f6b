import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { webcrypto } from 'node:crypto';
import { checkCsr, keyUsagesFor, type CsrCode, type ExtKeyUsageName, type KeyUsageName } from '../../domain/certificates/csr-rules.ts';
import type {
  CertificateAuthority,
  CertificateCheckCode,
  CertificateStatusReport,
  IssueCertificateRequest,
  IssuedCertificate,
  RevocationReasonCode,
} from '../../domain/ports/certificate-authority.ts';
import { normaliseEmail } from '../../domain/shared/email.ts';
import { RaError } from '../../domain/shared/ra-error.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { writeFileAtomic } from '../vault/atomic-write.ts';
import { CA_SIGNING_ALGORITHM, derInteger, generateCaKeyPair, loadSigningKey, randomSerial } from './ca-keys.ts';
import { fingerprintOf, leafOf, normaliseSerial, parseCertificates, verifyChain } from './certificate-file.ts';
import { parseCsr } from './csr-file.ts';
import { readRevocations, writeRevocations, type RevocationEntry } from './revocation-list.ts';
import * as x509 from './x509.ts';
import { validityAt } from '../../domain/certificates/validity.ts';

/**
 * The `sandbox` CA (`RA_CA=sandbox`): a local root and issuing CA for the demo and the tests, so the
 * whole path from application to delivered certificate runs without BSrE. Its names say
 * "NOT FOR LEGAL USE": a certificate from it is no electronic certificate under Pasal 11.
 *
 * Files under `<dataDir>/ca/`: `root.key`, `root.pem`, `issuing.key`, `issuing.pem` (made by
 * `ra-desk init`), `issued/<serial>.pem` (every certificate signed), `revoked.json` (revocations). All
 * 0600 in a 0700 folder. The keys are PKCS#8 PEM without a passphrase: this is a sandbox.
 *
 * Built on @peculiar/x509 for parsing, issuing and the CRL (node-forge has no CRLs and cannot read EC
 * keys in CSRs); keys come from Node's native crypto.
 */

export const SANDBOX_ROOT_SUBJECT = 'CN=ra-desk Sandbox Root CA — NOT FOR LEGAL USE, O=Pemerintah Kota Pontianak (sandbox), C=ID';
export const SANDBOX_ISSUING_SUBJECT = 'CN=ra-desk Sandbox Issuing CA — NOT FOR LEGAL USE, O=Pemerintah Kota Pontianak (sandbox), C=ID';

/** Validity of an issued certificate, in years (BSrE issues for two years). */
export const CERTIFICATE_YEARS = 2;
/** A CRL's nextUpdate: relying parties fetch a new one at least this often. */
export const CRL_VALIDITY_DAYS = 7;
/**
 * CA validity reaches a year into the past and far into the future so the demo's `--now` can move time
 * either way without leaving the CA's own validity.
 */
const CA_BACKDATE_YEARS = 1;
const ROOT_YEARS = 25;
const ISSUING_YEARS = 20;

const DAY_MS = 24 * 60 * 60 * 1000;
const OID_CRL_NUMBER = '2.5.29.20';

export interface SandboxCaPaths {
  readonly dir: string;
  readonly rootKey: string;
  readonly rootCert: string;
  readonly issuingKey: string;
  readonly issuingCert: string;
  readonly revocations: string;
  readonly issuedDir: string;
}

export function sandboxCaPaths(dataDir: string): SandboxCaPaths {
  const dir = join(dataDir, 'ca');
  return {
    dir,
    rootKey: join(dir, 'root.key'),
    rootCert: join(dir, 'root.pem'),
    issuingKey: join(dir, 'issuing.key'),
    issuingCert: join(dir, 'issuing.pem'),
    revocations: join(dir, 'revoked.json'),
    issuedDir: join(dir, 'issued'),
  };
}

const addYears = (d: Date, years: number): Date => {
  const r = new Date(d.getTime());
  r.setUTCFullYear(r.getUTCFullYear() + years);
  return r;
};
/** X.509 times have whole seconds; rounding here keeps what we report equal to what the certificate says. */
const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

const CA_KEY_USAGE = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign;

/**
 * Creates the sandbox root and issuing CA under `<dataDir>/ca/` unless they exist. Idempotent and safe
 * against a second `init` running at once: everything is written into a temporary folder that is then
 * renamed into place in one step.
 *
 * @example
 * const { created } = await initSandboxCa(config.dataDir);
 */
export async function initSandboxCa(dataDir: string, options: { now?: Date } = {}): Promise<{ created: boolean; paths: SandboxCaPaths }> {
  const paths = sandboxCaPaths(dataDir);
  const files = [paths.rootKey, paths.rootCert, paths.issuingKey, paths.issuingCert];
  const present = files.filter((f) => existsSync(f)).length;
  if (present === files.length) return { created: false, paths };
  if (present > 0) {
    throw new RaError('CA.INCOMPLETE', `The sandbox CA in ${paths.dir} is incomplete; move that folder away and run "ra-desk init" again`);
  }

  const now = wholeSeconds(options.now ?? new Date());
  const from = addYears(now, -CA_BACKDATE_YEARS);
  const root = await generateCaKeyPair();
  const issuing = await generateCaKeyPair();
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: SANDBOX_ROOT_SUBJECT,
    notBefore: from,
    notAfter: addYears(now, ROOT_YEARS),
    keys: root.keys,
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(CA_KEY_USAGE, true),
      await x509.SubjectKeyIdentifierExtension.create(root.keys.publicKey),
    ],
  });
  const issuingCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: SANDBOX_ISSUING_SUBJECT,
    issuer: rootCert.subjectName,
    notBefore: from,
    notAfter: addYears(now, ISSUING_YEARS),
    publicKey: issuing.keys.publicKey,
    signingKey: root.keys.privateKey,
    signingAlgorithm: CA_SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(CA_KEY_USAGE, true),
      await x509.SubjectKeyIdentifierExtension.create(issuing.keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootCert.publicKey),
    ],
  });

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const staging = await mkdtemp(join(dataDir, '.ca-init-'));
  try {
    await writeFile(join(staging, 'root.key'), root.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(join(staging, 'root.pem'), rootCert.toString('pem') + '\n', { mode: 0o600, flag: 'wx' });
    await writeFile(join(staging, 'issuing.key'), issuing.privateKeyPem, { mode: 0o600, flag: 'wx' });
    await writeFile(join(staging, 'issuing.pem'), issuingCert.toString('pem') + '\n', { mode: 0o600, flag: 'wx' });
    try {
      await rename(staging, paths.dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another init won the race: its CA stands, ours is thrown away.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && files.every((f) => existsSync(f))) return { created: false, paths };
      throw e;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { created: true, paths };
}

interface LoadedCa {
  readonly root: x509.X509Certificate;
  readonly issuing: x509.X509Certificate;
  readonly issuingKey: webcrypto.CryptoKey;
  readonly chainPem: string;
}

async function loadCa(paths: SandboxCaPaths): Promise<LoadedCa> {
  try {
    const [rootPem, issuingPem, keyPem] = await Promise.all([
      readFile(paths.rootCert, 'utf8'), readFile(paths.issuingCert, 'utf8'), readFile(paths.issuingKey, 'utf8'),
    ]);
    const root = new x509.X509Certificate(rootPem);
    const issuing = new x509.X509Certificate(issuingPem);
    return {
      root, issuing, issuingKey: await loadSigningKey(keyPem),
      chainPem: `${issuing.toString('pem')}\n${root.toString('pem')}\n`,
    };
  } catch (cause) {
    throw new RaError('CA.NOT_INITIALISED', `No usable sandbox CA in ${paths.dir}; run "ra-desk init" (RA_CA=sandbox)`, { cause });
  }
}

const KEY_USAGE_FLAGS: Readonly<Record<KeyUsageName, x509.KeyUsageFlags>> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
};
const EXT_KEY_USAGE_OIDS: Readonly<Record<ExtKeyUsageName, string>> = {
  serverAuth: x509.ExtendedKeyUsage.serverAuth,
  clientAuth: x509.ExtendedKeyUsage.clientAuth,
  emailProtection: x509.ExtendedKeyUsage.emailProtection,
};

const SERIAL = /^[0-9a-f]{1,40}$/;
function checkedSerial(serial: string): string {
  const s = normaliseSerial(serial);
  if (!SERIAL.test(s)) throw new RaError('CA.BAD_SERIAL', 'A certificate serial is 1 to 40 hexadecimal digits');
  return s;
}

export interface SandboxCaOptions {
  readonly dataDir: string;
  /** The clock for issuance and CRLs; status checks take their instant explicitly. */
  readonly now?: () => Date;
}

/**
 * The sandbox CA behind the {@link CertificateAuthority} port. Needs `initSandboxCa` to have run; the
 * files are read on first use, so building the desk does not fail when the CA is not there yet.
 * Revocations are serialised within the process; one desk process owns the data folder.
 *
 * @example
 * const ca = createSandboxCa({ dataDir, now: () => clock.now() });
 * const r = await ca.issue({ requestId, csrPem, applicantEmail, certificateType: 'individual', uses: ['signature'], officialDomains });
 */
export function createSandboxCa(options: SandboxCaOptions): CertificateAuthority {
  const paths = sandboxCaPaths(options.dataDir);
  const now = options.now ?? ((): Date => new Date());
  let loaded: Promise<LoadedCa> | undefined;
  const ca = (): Promise<LoadedCa> => {
    loaded ??= loadCa(paths).catch((e: unknown) => {
      loaded = undefined; // let a later call succeed once `init` has run
      throw e;
    });
    return loaded;
  };
  let revocationQueue: Promise<unknown> = Promise.resolve();

  async function issue(req: IssueCertificateRequest): Promise<Result<IssuedCertificate, CsrCode>> {
    if (req.uses.length === 0) throw new RaError('CA.NO_USES', 'A certificate needs at least one use (Pasal 13(5))');
    const parsed = await parseCsr(req.csrPem);
    if (!parsed.ok) return parsed;
    const { csr, info } = parsed.value;
    const checked = checkCsr(info, req);
    if (!checked.ok) return checked;

    const { issuing, issuingKey, chainPem } = await ca();
    const notBefore = wholeSeconds(now());
    const notAfter = new Date(Math.min(addYears(notBefore, CERTIFICATE_YEARS).getTime(), issuing.notAfter.getTime()));
    if (notBefore.getTime() >= issuing.notAfter.getTime() || notBefore.getTime() < issuing.notBefore.getTime()) {
      throw new RaError('CA.OUT_OF_VALIDITY', 'The sandbox issuing CA is not valid at this time; move the data folder\'s ca/ away and run "ra-desk init"');
    }

    const usages = keyUsagesFor(req.uses, info.keyAlgorithm === 'ec' ? 'ec' : 'rsa');
    const emails = [...new Set([...info.sanEmails, ...info.subjectEmails].map(normaliseEmail))];
    if (req.certificateType !== 'system' && emails.length === 0) emails.push(normaliseEmail(req.applicantEmail));
    const names: x509.JsonGeneralNames = [
      ...emails.map((value) => ({ type: 'email' as const, value })),
      ...[...new Set(info.sanDns.map((d) => d.toLowerCase()))].map((value) => ({ type: 'dns' as const, value })),
    ];
    const emptySubject = csr.subjectName.toJSON().length === 0;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages.keyUsage.reduce((flags, u) => flags | KEY_USAGE_FLAGS[u], 0), true),
      ...(usages.extKeyUsage.length > 0 ? [new x509.ExtendedKeyUsageExtension(usages.extKeyUsage.map((u) => EXT_KEY_USAGE_OIDS[u]))] : []),
      // RFC 5280 §4.2.1.6: with an empty subject the SAN carries the identity and must be critical.
      new x509.SubjectAlternativeNameExtension(names, emptySubject),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuing.publicKey),
    ];
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: csr.subjectName,
      issuer: issuing.subjectName,
      notBefore,
      notAfter,
      publicKey: csr.publicKey,
      signingKey: issuingKey,
      signingAlgorithm: CA_SIGNING_ALGORITHM,
      extensions,
    });
    const serial = normaliseSerial(cert.serialNumber);
    const pem = `${cert.toString('pem')}\n`;
    await writeFileAtomic(join(paths.issuedDir, `${serial}.pem`), Buffer.from(pem, 'utf8'));
    return ok({
      serial,
      issuer: cert.issuer,
      subject: cert.subject,
      fingerprint: fingerprintOf(cert),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      pem,
      chainPem,
    });
  }

  async function revoke(serial: string, reason: RevocationReasonCode, at: Date): Promise<void> {
    const s = checkedSerial(serial); // before the first await: the queue below keeps call order
    const run = revocationQueue.then(async () => {
      if (!existsSync(join(paths.issuedDir, `${s}.pem`))) {
        throw new RaError('CA.UNKNOWN_SERIAL', 'The sandbox CA issued no certificate with this serial');
      }
      const entries = await readRevocations(paths.revocations);
      if (entries.some((e) => e.serial === s)) return;
      await writeRevocations(paths.revocations, [...entries, { serial: s, at: wholeSeconds(at).toISOString(), reason }]);
    });
    revocationQueue = run.catch(() => undefined);
    return run;
  }

  async function crlPem(): Promise<string> {
    const { issuing, issuingKey } = await ca();
    const thisUpdate = wholeSeconds(now());
    const entries = await readRevocations(paths.revocations);
    const crl = await x509.X509CrlGenerator.create({
      issuer: issuing.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + CRL_VALIDITY_DAYS * DAY_MS),
      signingAlgorithm: CA_SIGNING_ALGORITHM,
      signingKey: issuingKey,
      entries: entries.map((e) => ({
        serialNumber: e.serial,
        revocationDate: new Date(e.at),
        // RFC 5280 §5.3.1: an unspecified reason is expressed by leaving the reasonCode out.
        ...(e.reason === 'unspecified' ? {} : { reason: x509.X509CrlReason[e.reason] }),
      })),
      extensions: [
        await x509.AuthorityKeyIdentifierExtension.create(issuing.publicKey),
        // cRLNumber must grow with every CRL (RFC 5280 §5.2.3); the issuing second does, with a sane clock.
        new x509.Extension(OID_CRL_NUMBER, false, derInteger(BigInt(Math.floor(thisUpdate.getTime() / 1000)))),
      ],
    });
    // OpenSSL reads only the `X509 CRL` label (TOOLCHAIN.md).
    return x509.PemConverter.encode(crl.rawData, 'X509 CRL');
  }

  async function status(certPemOrDer: Uint8Array, at: Date): Promise<CertificateStatusReport> {
    const parsed = parseCertificates(certPemOrDer);
    const cert = parsed.ok ? leafOf(parsed.value) : undefined;
    if (!cert) return { status: 'malformed', reasons: ['CERTCHECK.NOT_A_CERTIFICATE'] };
    const facts = {
      serial: normaliseSerial(cert.serialNumber),
      issuer: cert.issuer,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
    };
    const { root, issuing } = await ca();
    const chain = await verifyChain(cert, { roots: [root], intermediates: [issuing] });
    if (!chain.trusted) {
      const reason: CertificateCheckCode = chain.reason === 'signature_invalid' ? 'CERTCHECK.SIGNATURE_INVALID' : 'CERTCHECK.ISSUER_UNKNOWN';
      return { status: 'unknown_issuer', reasons: [reason], ...facts };
    }
    const reasons: CertificateCheckCode[] = ['CERTCHECK.CHAIN_OK'];
    const revocation: RevocationEntry | undefined = (await readRevocations(paths.revocations))
      .find((e) => e.serial === facts.serial && Date.parse(e.at) <= at.getTime());
    reasons.push(revocation ? 'CERTCHECK.REVOKED' : 'CERTCHECK.NOT_REVOKED');
    const validity = validityAt(cert.notBefore, cert.notAfter, at);
    reasons.push(validity.reason);
    if (revocation) return { status: 'revoked', reasons, ...facts, revokedAt: revocation.at, revocationReason: revocation.reason };
    return { status: validity.status, reasons, ...facts };
  }

  return { kind: 'sandbox', issue, revoke, crlPem, status };
}
