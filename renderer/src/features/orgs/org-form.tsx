import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { OrgProfileInput, OrgSummary } from '../../../../shared/ipc/domains/orgs';
import { PRODUCTION_LOGIN_URL, SANDBOX_LOGIN_URL, type OrgEnvironment } from '../../../../shared/salesforce/org-profile';

/** The form's fields as typed (strings), before they become an OrgProfileInput. */
export type OrgFormValues = {
  label: string;
  environment: OrgEnvironment;
  myDomainUrl: string;
  consumerKey: string;
  username: string;
  apiVersion: string;
  /** The Pub/Sub endpoint, `host:port`; blank = Salesforce's. */
  pubsubEndpoint: string;
  color: string;
};

type FieldErrors = Partial<Record<keyof OrgFormValues, string>>;

const ENVIRONMENT_CHOICES: readonly { value: OrgEnvironment; label: string; help: string }[] = [
  { value: 'production', label: 'Production', help: PRODUCTION_LOGIN_URL.replace('https://', '') },
  { value: 'sandbox', label: 'Sandbox', help: SANDBOX_LOGIN_URL.replace('https://', '') },
  { value: 'mydomain', label: 'My Domain URL', help: 'the org’s own login URL' },
];

const MY_DOMAIN_URL = /^(https:\/\/[a-zA-Z0-9.-]+(:\d+)?|http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+)\/?$/;
const API_VERSION = /^\d{2,3}\.0$/;
const PUBSUB_ENDPOINT = /^[a-zA-Z0-9.-]+:\d{1,5}$|^\[::1\]:\d{1,5}$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;

/** The values a new profile starts with. */
export const EMPTY_ORG_FORM: OrgFormValues = {
  label: '',
  environment: 'production',
  myDomainUrl: '',
  consumerKey: '',
  username: '',
  apiVersion: '',
  pubsubEndpoint: '',
  color: '#0176d3',
};

/** The form's values for an existing profile. */
export function formValuesOf(org: OrgSummary): OrgFormValues {
  return {
    label: org.label,
    environment: org.environment,
    myDomainUrl: org.myDomainUrl ?? '',
    consumerKey: org.consumerKey,
    username: org.username,
    apiVersion: org.apiVersion ?? '',
    pubsubEndpoint: org.pubsubEndpoint ?? '',
    color: org.color,
  };
}

/** Checks the typed values and turns them into a profile (blank API version = the newest the org offers), or says what is wrong. */
export function readOrgForm(values: OrgFormValues): { input: OrgProfileInput } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const label = values.label.trim();
  const consumerKey = values.consumerKey.trim();
  const username = values.username.trim();
  const url = values.myDomainUrl.trim().replace(/\/$/, '');
  const apiVersion = values.apiVersion.trim();
  const pubsubEndpoint = values.pubsubEndpoint.trim();
  if (label === '') errors.label = 'Give the org a name you will recognise, such as “Acme Production”.';
  if (consumerKey === '') errors.consumerKey = 'Paste the connected app’s consumer key.';
  if (username === '') errors.username = 'Enter the Salesforce username to log in as.';
  if (values.environment === 'mydomain' && !MY_DOMAIN_URL.test(url)) {
    errors.myDomainUrl = 'Enter the My Domain URL with https://, such as https://acme.my.salesforce.com';
  }
  if (apiVersion !== '' && !API_VERSION.test(apiVersion)) errors.apiVersion = 'An API version looks like 62.0 (or leave it blank).';
  if (pubsubEndpoint !== '' && !PUBSUB_ENDPOINT.test(pubsubEndpoint)) errors.pubsubEndpoint = 'A Pub/Sub endpoint is host:port, such as api.pubsub.salesforce.com:7443 (or leave it blank).';
  if (!COLOR.test(values.color)) errors.color = 'A colour looks like #0176d3.';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    input: {
      label,
      environment: values.environment,
      myDomainUrl: values.environment === 'mydomain' ? url : null,
      consumerKey,
      username,
      apiVersion: apiVersion === '' ? null : apiVersion,
      pubsubEndpoint: pubsubEndpoint === '' ? null : pubsubEndpoint,
      color: values.color,
    },
  };
}

/** Creates or edits an org profile: label, environment (production, sandbox or My Domain URL), consumer key, username, API version, colour. */
export function OrgForm({
  initial,
  title,
  submitLabel,
  busy,
  onSubmit,
  onCancel,
}: {
  initial: OrgFormValues;
  title: string;
  submitLabel: string;
  busy: boolean;
  onSubmit: (input: OrgProfileInput) => void;
  onCancel: () => void;
}): ReactNode {
  const id = useId();
  const [values, setValues] = useState<OrgFormValues>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});

  const set = <K extends keyof OrgFormValues>(key: K, value: OrgFormValues[K]): void => {
    setValues((previous) => ({ ...previous, [key]: value }));
    setErrors((previous) => ({ ...previous, [key]: undefined }));
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const read = readOrgForm(values);
    if ('errors' in read) setErrors(read.errors);
    else onSubmit(read.input);
  };

  const text = (key: 'label' | 'myDomainUrl' | 'consumerKey' | 'username' | 'apiVersion' | 'pubsubEndpoint', label: string, options: { placeholder?: string; help?: string; required?: boolean } = {}): ReactNode => {
    const error = errors[key];
    return (
      <div className={`slds-form-element slds-m-bottom_small${error === undefined ? '' : ' slds-has-error'}`}>
        <label className="slds-form-element__label" htmlFor={`${id}-${key}`}>
          {options.required === true ? (
            <abbr className="slds-required" title="required">
              *{' '}
            </abbr>
          ) : null}
          {label}
        </label>
        <div className="slds-form-element__control">
          <input
            id={`${id}-${key}`}
            className="slds-input"
            value={values[key]}
            placeholder={options.placeholder}
            aria-invalid={error !== undefined}
            aria-describedby={error === undefined && options.help === undefined ? undefined : `${id}-${key}-help`}
            autoComplete="off"
            spellCheck={false}
            onChange={(event) => set(key, event.target.value)}
          />
        </div>
        {error === undefined && options.help === undefined ? null : (
          <div className="slds-form-element__help" id={`${id}-${key}-help`}>
            {error ?? options.help}
          </div>
        )}
      </div>
    );
  };

  return (
    <form className="slds-card slds-p-around_medium orgdesk-org-form" onSubmit={submit} noValidate aria-label={title}>
      <h2 className="slds-text-heading_small slds-m-bottom_small">{title}</h2>
      {text('label', 'Label', { required: true })}
      <fieldset className="slds-form-element slds-m-bottom_small">
        <legend className="slds-form-element__legend slds-form-element__label">Environment</legend>
        <div className="slds-form-element__control">
          {ENVIRONMENT_CHOICES.map((choice) => (
            <span key={choice.value} className="slds-radio">
              <input
                type="radio"
                id={`${id}-env-${choice.value}`}
                name={`${id}-environment`}
                value={choice.value}
                checked={values.environment === choice.value}
                onChange={() => set('environment', choice.value)}
              />
              <label className="slds-radio__label" htmlFor={`${id}-env-${choice.value}`}>
                <span className="slds-radio_faux" />
                <span className="slds-form-element__label">{choice.label}</span>
                <span className="slds-text-color_weak orgdesk-org-form__env-help">{choice.help}</span>
              </label>
            </span>
          ))}
        </div>
      </fieldset>
      {values.environment === 'mydomain' ? text('myDomainUrl', 'My Domain URL', { required: true, placeholder: 'https://acme.my.salesforce.com' }) : null}
      {text('consumerKey', 'Consumer key', { required: true, help: 'From the connected app: Setup → App Manager → View → Manage Consumer Details.' })}
      {text('username', 'Username', { required: true, placeholder: 'admin@acme.com' })}
      {text('apiVersion', 'API version', { placeholder: 'Newest the org offers', help: 'Leave blank to use the newest version the org offers.' })}
      {text('pubsubEndpoint', 'Pub/Sub endpoint', { placeholder: 'api.pubsub.salesforce.com:7443', help: 'Where the Events area subscribes over the Pub/Sub API; leave blank for Salesforce’s.' })}
      <div className={`slds-form-element slds-m-bottom_small${errors.color === undefined ? '' : ' slds-has-error'}`}>
        <label className="slds-form-element__label" htmlFor={`${id}-color`}>
          Colour
        </label>
        <div className="slds-form-element__control orgdesk-org-form__color">
          <input id={`${id}-color`} type="color" value={values.color} onChange={(event) => set('color', event.target.value)} />
          <span className="slds-text-color_weak">{values.color}</span>
        </div>
        {errors.color === undefined ? null : <div className="slds-form-element__help">{errors.color}</div>}
      </div>
      <div className="slds-m-top_medium">
        <button type="button" className="slds-button slds-button_neutral" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="slds-button slds-button_brand" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
