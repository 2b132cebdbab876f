/*
 * OpenTelemetry for the demo backend, loaded before anything else:
 *
 *   node --require ./src/instrumentation.js ...   (yarn start does this)
 *
 * Backstage and the Cluster Access plugin record metrics through
 * `@opentelemetry/api`; this registers the SDK's meter provider with a
 * Prometheus exporter, so they are served at
 * http://<OTEL_EXPORTER_PROMETHEUS_HOST>:<OTEL_EXPORTER_PROMETHEUS_PORT>/metrics
 * (default 127.0.0.1:9464; the port is outside the backend's own so that the
 * figures are not exposed to users; set the host to 0.0.0.0 in a container
 * for Prometheus to reach it). Set OTEL_METRICS_EXPORTER=none to switch it
 * off. Traces are left out: add @opentelemetry/sdk-node and an exporter as in
 * https://backstage.io/docs/tutorials/setup-opentelemetry if you want them.
 */
// Worker threads load this file too; one provider per process.
const { isMainThread } = require('node:worker_threads');

if (isMainThread && process.env.OTEL_METRICS_EXPORTER !== 'none') {
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const exporter = new PrometheusExporter({
    host: process.env.OTEL_EXPORTER_PROMETHEUS_HOST || '127.0.0.1',
    port: Number(process.env.OTEL_EXPORTER_PROMETHEUS_PORT || 9464),
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
