import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as x509 from '../storage/ca/x509.ts';

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/**
 * What an applicant's own tool makes on their own machine: a key pair (kept there) and a PKCS#10 request
 * naming their dinas address. Only the CSR is returned — as in real life, the key never leaves.
 */
export async function applicantCsr(email: string, name = 'CN=Pemohon, O=Pemerintah Kota Pontianak, C=ID'): Promise<string> {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pair.privateKey.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', pair.publicKey.export({ type: 'spki', format: 'der' }), RSA_SHA256, true, ['verify']),
  };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name, keys, signingAlgorithm: RSA_SHA256,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'email', value: email }])],
  });
  return csr.toString('pem');
}
