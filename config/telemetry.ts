// Traces and the SDK's logs. Traces are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set: the API's
// request span is the parent of the workflow's spans (the client interceptor carries it in the workflow's
// headers), which are the parents of its activities' spans. Without the variable nothing is loaded.
import type { ClientOptions } from '@temporalio/client';
import type { Logger as SdkLogger, LogLevel, LogMetadata } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Logger } from './logger';

export interface Tracing {
  tracer: Tracer;
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Flushes the spans not yet exported. */
  shutdown(): Promise<void>;
}

/** Starts the global tracer provider for `service` when an OTLP endpoint is configured; otherwise undefined. */
export function startTracing(
  env: { OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_SERVICE_NAME?: string },
  service: string,
): Tracing | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const resource = new Resource({
    'service.name': env.OTEL_SERVICE_NAME ? `${env.OTEL_SERVICE_NAME}-${service}` : `cisco-programs-${service}`,
  });
  // The OTLP convention: the generic endpoint gets the signal's path appended.
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // register() also installs the async-hooks context manager, so a request's span follows its awaits.
  provider.register();
  return { tracer: trace.getTracer('cisco-programs'), resource, spanProcessor, shutdown: () => provider.shutdown() };
}

/** A Temporal client's interceptors: with tracing, the caller's span goes into the workflows it starts, signals and updates. */
export function clientTracing(tracing: Tracing | undefined): Pick<ClientOptions, 'interceptors'> {
  return tracing ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] } } : {};
}

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logger (worker, workflows, activities, and the core's forwarded logs) as pino JSON lines. */
export function sdkLogger(log: Logger): SdkLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => log[pinoLevel[level]]({ ...meta }, message);
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}

/** The SDK core's own log filter for a pino level: the core is chatty below WARN, so only debug/trace open it up. */
export function coreLogLevel(level: string): 'TRACE' | 'DEBUG' | 'WARN' {
  return level === 'trace' ? 'TRACE' : level === 'debug' ? 'DEBUG' : 'WARN';
}
