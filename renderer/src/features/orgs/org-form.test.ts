import { describe, expect, it } from 'vitest';
import { EMPTY_ORG_FORM, readOrgForm } from './org-form';
import { environmentLabel } from './org-text';

const filled = { ...EMPTY_ORG_FORM, label: ' Acme ', consumerKey: ' 3MVG9 ', username: ' ada@acme.com ' };

describe('readOrgForm', () => {
  it('trims the fields and reads a blank API version as the newest the org offers', () => {
    expect(readOrgForm(filled)).toEqual({
      input: { label: 'Acme', environment: 'production', myDomainUrl: null, consumerKey: '3MVG9', username: 'ada@acme.com', apiVersion: null, pubsubEndpoint: null, color: '#0176d3' },
    });
  });

  it('keeps the My Domain URL only for a My Domain profile, without its trailing slash', () => {
    expect(readOrgForm({ ...filled, environment: 'mydomain', myDomainUrl: 'https://acme.my.salesforce.com/' })).toMatchObject({
      input: { environment: 'mydomain', myDomainUrl: 'https://acme.my.salesforce.com' },
    });
    expect(readOrgForm({ ...filled, environment: 'sandbox', myDomainUrl: 'https://acme.my.salesforce.com' })).toMatchObject({
      input: { environment: 'sandbox', myDomainUrl: null },
    });
  });

  it('refuses plain http except on loopback, and an API version that is not NN.0', () => {
    expect(readOrgForm({ ...filled, environment: 'mydomain', myDomainUrl: 'http://acme.my.salesforce.com' })).toHaveProperty('errors.myDomainUrl');
    expect(readOrgForm({ ...filled, environment: 'mydomain', myDomainUrl: 'http://127.0.0.1:4444' })).toHaveProperty('input');
    expect(readOrgForm({ ...filled, apiVersion: 'v62' })).toHaveProperty('errors.apiVersion');
    expect(readOrgForm({ ...filled, apiVersion: '62.0' })).toMatchObject({ input: { apiVersion: '62.0' } });
  });

  it('reads a blank Pub/Sub endpoint as Salesforce’s and refuses one that is not host:port', () => {
    expect(readOrgForm({ ...filled, pubsubEndpoint: ' 127.0.0.1:7443 ' })).toMatchObject({ input: { pubsubEndpoint: '127.0.0.1:7443' } });
    expect(readOrgForm({ ...filled, pubsubEndpoint: 'https://api.pubsub.salesforce.com' })).toHaveProperty('errors.pubsubEndpoint');
  });

  it('names every missing required field', () => {
    const read = readOrgForm(EMPTY_ORG_FORM);
    expect('errors' in read ? Object.keys(read.errors).sort() : []).toEqual(['consumerKey', 'label', 'username']);
  });
});

describe('environmentLabel', () => {
  it('shows the My Domain host without its scheme', () => {
    expect(environmentLabel({ environment: 'mydomain', myDomainUrl: 'https://acme.my.salesforce.com' })).toBe('My Domain acme.my.salesforce.com');
    expect(environmentLabel({ environment: 'sandbox', myDomainUrl: null })).toBe('Sandbox');
  });
});
