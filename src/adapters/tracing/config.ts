/**
 * Tracing is configured only by the standard OpenTelemetry variables. This
 * file reads them without loading any of the SDK, so the entry point can decide
 * whether to load it at all.
 */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingConfig {
  protocol: OtlpProtocol;
  serviceName: string;
  /** OTEL_CAPTURE_CONTENT=true: message text, recipients, prompts and model output go on spans (redacted). */
  captureContent: boolean;
}

type Env = Record<string, string | undefined>;

/** Tracing is on when an OTLP endpoint is set (and the SDK is not disabled by OTEL_SDK_DISABLED=true). */
export function tracingEnabled(env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

/** The tracing settings; throws a sentence naming the variable when one is not usable. */
export function readTracingConfig(env: Env = process.env): TracingConfig {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim() || 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    throw new Error(`${name}: "${protocol}" is not supported; use http/protobuf (the default) or http/json.`);
  }
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const) {
    const value = env[name]?.trim();
    if (value && !/^https?:\/\/[^\s]+$/i.test(value)) throw new Error(`${name}: "${value}" is not an http(s) URL.`);
  }
  return {
    protocol,
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'relaybot',
    captureContent: env.OTEL_CAPTURE_CONTENT?.trim().toLowerCase() === 'true',
  };
}
