import { describe, expect, it } from 'vitest';
import { apiError, parseErrorBody } from './api-errors';
import { parseLimitInfo } from './limit-info';

describe('apiError', () => {
  it('maps REQUEST_LIMIT_EXCEEDED to LIMIT', () => {
    const error = apiError(403, '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]', 'application/json');
    expect(error.code).toBe('LIMIT');
    expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(error.hint).toMatch(/allowance/);
  });

  it('maps other Salesforce error arrays to SF_API with the code, message and fields', () => {
    const error = apiError(400, '[{"message":"Required fields are missing: [Website__c]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Website__c"]}]', 'application/json');
    expect(error.code).toBe('SF_API');
    expect(error.status).toBe(400);
    expect(error.message).toBe('REQUIRED_FIELD_MISSING: Required fields are missing: [Website__c] [Website__c]');
  });

  it('counts further errors of a multi-error array', () => {
    const error = apiError(400, '[{"message":"a","errorCode":"X"},{"message":"b","errorCode":"Y"}]', 'application/json');
    expect(error.message).toBe('X: a (and 1 more)');
    expect(error.errors).toHaveLength(2);
  });

  it('maps a 401 to AUTH and an HTML page to SF_API with a hint', () => {
    expect(apiError(401, '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]', 'application/json').code).toBe('AUTH');
    const html = apiError(503, '<html>down</html>', 'text/html');
    expect(html.code).toBe('SF_API');
    expect(html.message).toMatch(/web page/);
    expect(html.hint).toMatch(/try again/);
  });

  it('reads per-row statusCode entries too', () => {
    expect(parseErrorBody('[{"statusCode":"DUPLICATE_VALUE","message":"dup","fields":[]}]')).toEqual([{ errorCode: 'DUPLICATE_VALUE', message: 'dup', fields: [] }]);
  });
});

describe('parseLimitInfo', () => {
  it('reads the org-wide usage, with or without per-app usage', () => {
    expect(parseLimitInfo('api-usage=51/100000')).toEqual({ used: 51, max: 100000 });
    expect(parseLimitInfo('api-usage=18/5000; per-app-api-usage=17/250(appName=sample-connected-app)')).toEqual({ used: 18, max: 5000 });
    expect(parseLimitInfo(null)).toBeNull();
    expect(parseLimitInfo('per-app-api-usage=17/250(appName=x)')).toBeNull();
  });
});
