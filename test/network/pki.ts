/**
 * Test certificates made with openssl at run time: a company CA that the client is told
 * to trust (the way a company gives it: NODE_EXTRA_CA_CERTS or the system store), the
 * gateway's certificate from it, and a second, untrusted CA with its own gateway
 * certificate (a TLS-inspecting proxy nobody installed). Made once per directory.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const GATEWAY_HOST = 'gateway.test';
export const COMPANY_CA_NAME = 'Reasoner Test Company CA';
export const UNTRUSTED_CA_NAME = 'Untrusted Inspection CA';

export interface KeyPair { readonly key: string; readonly cert: string }

export interface TestPki {
  readonly dir: string;
  /** PEM of the company CA, and its path (for NODE_EXTRA_CA_CERTS / SSL_CERT_FILE). */
  readonly caPem: string;
  readonly caFile: string;
  /** gateway.test, localhost and 127.0.0.1, issued by the company CA. */
  readonly gateway: KeyPair;
  /** The same names, issued by the untrusted CA. */
  readonly untrustedGateway: KeyPair;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string, base: string): void {
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${base}.key`, '-out', `${base}.pem`, '-days', '3', '-subj', `/CN=${name}/O=Reasoner Tests`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function makeLeaf(dir: string, ca: string, base: string): void {
  fs.writeFileSync(path.join(dir, `${base}.ext`), [
    `subjectAltName=DNS:${GATEWAY_HOST},DNS:localhost,IP:127.0.0.1`,
    'basicConstraints=CA:FALSE', 'keyUsage=digitalSignature', 'extendedKeyUsage=serverAuth',
  ].join('\n'));
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${GATEWAY_HOST}`]);
  openssl(dir, ['x509', '-req', '-in', `${base}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${base}.pem`, '-days', '2', '-extfile', `${base}.ext`]);
}

export function createTestPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'complete'))) {
    makeCa(dir, COMPANY_CA_NAME, 'company-ca');
    makeLeaf(dir, 'company-ca', 'gateway');
    makeCa(dir, UNTRUSTED_CA_NAME, 'untrusted-ca');
    makeLeaf(dir, 'untrusted-ca', 'untrusted-gateway');
    fs.writeFileSync(path.join(dir, 'complete'), '');
  }
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  return {
    dir,
    caPem: read('company-ca.pem'),
    caFile: path.join(dir, 'company-ca.pem'),
    gateway: { key: read('gateway.key'), cert: read('gateway.pem') },
    untrustedGateway: { key: read('untrusted-gateway.key'), cert: read('untrusted-gateway.pem') },
  };
}
