import * as assert from 'node:assert/strict';
import { checkApiKey, checkBaseUrl, isLoopbackHost } from '../../src/core/common/endpoint';

describe('base URL policy', () => {
  it('accepts https anywhere and normalises the trailing slash', () => {
    assert.deepEqual(checkBaseUrl('https://api.aimlapi.com/v1/'), { ok: true, url: 'https://api.aimlapi.com/v1' });
    assert.deepEqual(checkBaseUrl('  https://proxy.example.com:8443/openai  '), { ok: true, url: 'https://proxy.example.com:8443/openai' });
  });

  it('accepts plain http only on loopback', () => {
    for (const url of ['http://127.0.0.1:8787/v1', 'http://localhost:3000/v1', 'http://[::1]:9000/v1', 'http://127.10.0.3/v1']) {
      assert.equal(checkBaseUrl(url).ok, true, url);
    }
    for (const url of ['http://api.aimlapi.com/v1', 'http://10.0.0.5/v1', 'http://192.168.1.2:8080', 'http://127.0.0.1.evil.com/v1', 'http://localhost.evil.com/v1']) {
      const check = checkBaseUrl(url);
      assert.equal(check.ok, false, url);
      if (!check.ok) assert.match(check.message, /plain http/);
    }
  });

  it('refuses other schemes, credentials in the URL, and garbage with a message that names the setting', () => {
    for (const url of ['ftp://host/v1', 'file:///etc/passwd', 'https://user:pw@host/v1', 'not a url', '', 'https://host/v1?key=1']) {
      const check = checkBaseUrl(url);
      assert.equal(check.ok, false, url);
      if (!check.ok) assert.match(check.message, /reasoner\.baseUrl|http/);
    }
  });

  it('knows loopback hosts', () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('128.0.0.1'), false);
    assert.equal(isLoopbackHost('127.0.0.256'), false);
  });
});

describe('API key input', () => {
  it('trims and accepts a key', () => {
    assert.deepEqual(checkApiKey('  sk-abc123 \n'), { ok: true, key: 'sk-abc123' });
  });
  it('rejects empty keys and keys with inner whitespace', () => {
    assert.equal(checkApiKey('   ').ok, false);
    assert.equal(checkApiKey('sk-abc 123').ok, false);
    assert.equal(checkApiKey('sk-abc\t123').ok, false);
  });
});
