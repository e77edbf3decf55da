import Hummingbird

/// The OpenAPI 3.1 document served at `/openapi.json`, written by hand. A test
/// (`AdminOpenAPITests`) fails when a registered route is missing from `paths` or a path is not
/// a registered route, and checks sample answers against the required fields of each schema.
enum OpenAPIDocument {
    static let buffer = ByteBuffer(string: json)

    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "jutsu-ingest admin API",
        "version": "1",
        "description": "The admin HTTP API of `jutsu-ingest serve` (docs/operations.md, 'Admin API'). Every error is `{\"error\": {\"code\", \"message\"}}`. POST endpoints need `Authorization: Bearer <token>` (JUTSU_ADMIN_TOKEN or JUTSU_ADMIN_TOKEN_FILE)."
      },
      "servers": [{"url": "http://127.0.0.1:8080"}],
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"],
              "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}
          },
          "Timeframe": {"type": "string", "enum": ["1m", "5m", "15m", "30m", "1h", "1d", "1w", "1mo"],
            "description": "Canonical spellings; the server also takes the aliases `jutsu-ingest` accepts (`1D`, `60m`, ...)."},
          "RunID": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 9223372036854775807},
          "Health": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "const": "ok"}}},
          "Readiness": {
            "type": "object", "required": ["status", "checks"],
            "properties": {
              "status": {"type": "string", "enum": ["ready", "not_ready"]},
              "checks": {"type": "object", "description": "database, migrations, scheduler, lifecycle",
                "additionalProperties": {"type": "object", "required": ["ok", "message"],
                  "properties": {"ok": {"type": "boolean"}, "message": {"type": "string"}}}},
              "error": {"$ref": "#/components/schemas/Error/properties/error"}
            }
          },
          "Freshness": {
            "type": "object", "required": ["metadata", "snapshotted_at", "results", "warnings"],
            "description": "The same document as `jutsu-ingest freshness --format json`.",
            "properties": {
              "metadata": {"type": "object", "required": ["generated_at", "invocation"]},
              "snapshotted_at": {"type": "string", "format": "date-time"},
              "warnings": {"type": "array", "items": {"type": "string"}},
              "results": {"type": "array", "items": {"type": "object",
                "required": ["unique_id", "symbol", "timeframe", "status", "max_loaded_at", "snapshotted_at", "expected_bar",
                             "lag_seconds", "lag_bars", "age_seconds", "last_fetch_at", "criteria", "sources", "pipelines"],
                "properties": {"status": {"type": "string", "enum": ["fresh", "aging", "stale", "missing"]}}}}
            }
          },
          "Gaps": {
            "type": "object", "required": ["series"],
            "description": "The same document as `jutsu-ingest gaps --format json`.",
            "properties": {"series": {"type": "array", "items": {"type": "object",
              "required": ["symbol", "timeframe", "calendar", "expected_sessions", "present_sessions", "missing", "non_session"]}}}
          },
          "Run": {
            "type": "object",
            "required": ["run_id", "pipeline", "command", "trigger", "status", "started_at", "finished_at", "duration_seconds",
                         "read", "inserted", "updated", "unchanged", "rejected", "discarded", "deleted", "error"],
            "properties": {"run_id": {"type": "integer"}, "status": {"type": "string",
              "enum": ["running", "succeeded", "partial", "failed", "aborted"]}}
          },
          "RunPage": {
            "type": "object", "required": ["items", "next_cursor", "limit"],
            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}},
              "next_cursor": {"type": ["integer", "null"], "description": "Pass as `cursor` for the next page; null on the last."},
              "limit": {"type": "integer"}}
          },
          "RunDetail": {
            "type": "object", "required": ["run", "series", "rejects"],
            "properties": {
              "run": {"$ref": "#/components/schemas/Run"},
              "series": {"type": "array", "items": {"type": "object",
                "required": ["symbol", "timeframe", "data_source", "status", "read", "inserted", "updated", "unchanged", "rejected"]}},
              "rejects": {"type": "object", "required": ["total", "by_reason"],
                "properties": {"total": {"type": "integer"}, "by_reason": {"type": "array", "items": {"type": "object",
                  "required": ["reason", "count"]}}}}
            }
          },
          "Pipelines": {
            "type": "object", "required": ["items"],
            "properties": {"items": {"type": "array", "items": {"type": "object",
              "required": ["name", "file", "schedule", "next_fire", "running", "running_since", "last_run"],
              "properties": {"last_run": {"oneOf": [{"$ref": "#/components/schemas/Run"}, {"type": "null"}]}}}}}
          },
          "Triggered": {
            "type": "object", "required": ["run_id", "pipeline", "status", "run"],
            "properties": {"run_id": {"type": ["integer", "null"], "description": "null when the run was not recorded yet (status starting)"},
              "pipeline": {"type": "string"}, "status": {"type": "string"}, "run": {"type": ["string", "null"]}}
          }
        },
        "responses": {
          "BadRequest": {"description": "A query parameter is invalid.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "DatabaseUnavailable": {"description": "The database cannot be read.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      },
      "paths": {
        "/healthz": {"get": {"summary": "The process is up.", "responses": {
          "200": {"description": "Up.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}}},
        "/readyz": {"get": {"summary": "Database reachable, migrations applied, scheduler ticking, not stopping.", "responses": {
          "200": {"description": "Ready.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}},
          "503": {"description": "Not ready; `checks` says why.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}}}},
        "/api/v1/freshness": {"get": {
          "summary": "Freshness of every series, from a snapshot recomputed at most every 2 s (header X-Jutsu-Snapshot-At).",
          "description": "The unfiltered report is sent gzip-compressed (Content-Encoding: gzip) to clients that send Accept-Encoding: gzip.",
          "parameters": [
            {"name": "tier", "in": "query", "schema": {"type": "string", "enum": ["critical", "standard", "low"]}},
            {"name": "timeframe", "in": "query", "schema": {"$ref": "#/components/schemas/Timeframe"}},
            {"name": "symbols", "in": "query", "description": "Comma-separated.", "schema": {"type": "string"}},
            {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["fresh", "aging", "stale", "missing"]}}],
          "responses": {
            "200": {"description": "The report.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Freshness"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "503": {"$ref": "#/components/responses/DatabaseUnavailable"}}}},
        "/api/v1/gaps": {"get": {"summary": "Missing sessions and bars on closed days, per series (computed per request).",
          "parameters": [
            {"name": "symbols", "in": "query", "schema": {"type": "string"}},
            {"name": "timeframe", "in": "query", "schema": {"$ref": "#/components/schemas/Timeframe"}},
            {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}}],
          "responses": {
            "200": {"description": "The report.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gaps"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "503": {"$ref": "#/components/responses/DatabaseUnavailable"}}}},
        "/api/v1/runs": {"get": {"summary": "Runs, newest first, paginated by run id.",
          "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
            {"name": "cursor", "in": "query", "description": "`next_cursor` of the previous page (alias: `before`).",
             "schema": {"$ref": "#/components/schemas/RunID"}},
            {"name": "before", "in": "query", "schema": {"$ref": "#/components/schemas/RunID"}},
            {"name": "pipeline", "in": "query", "schema": {"type": "string"}},
            {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["running", "succeeded", "partial", "failed", "aborted"]}},
            {"name": "since", "in": "query", "description": "Started at or after: an ISO 8601 instant (`2024-01-16T15:21:00Z`) or a date.",
             "schema": {"type": "string", "format": "date-time"}}],
          "responses": {
            "200": {"description": "A page.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunPage"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "503": {"$ref": "#/components/responses/DatabaseUnavailable"}}}},
        "/api/v1/runs/{id}": {"get": {"summary": "One run with its per-series results and rejects by reason.",
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/RunID"}}],
          "responses": {
            "200": {"description": "The run.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunDetail"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "404": {"description": "No such run.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "503": {"$ref": "#/components/responses/DatabaseUnavailable"}}}},
        "/api/v1/pipelines": {"get": {"summary": "Scheduled pipelines: schedule, next fire, running, last run.",
          "responses": {
            "200": {"description": "The pipelines.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pipelines"}}}},
            "503": {"$ref": "#/components/responses/DatabaseUnavailable"}}}},
        "/api/v1/pipelines/{name}/runs": {"post": {"summary": "Run the pipeline now (never overlapping a run of it).",
          "security": [{"bearer": []}],
          "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {
            "202": {"description": "Started; poll /api/v1/runs/{run_id}.", "headers": {"Location": {"schema": {"type": "string"}}},
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Triggered"}}}},
            "401": {"description": "Missing or wrong bearer token.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "403": {"description": "No admin token configured.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "404": {"description": "No scheduled pipeline of that name.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "409": {"description": "The pipeline is running now.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "422": {"description": "The run ended before it was recorded (e.g. no input file).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "500": {"description": "The run failed to start.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "503": {"description": "The service is stopping.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/openapi.json": {"get": {"summary": "This document.", "responses": {
          "200": {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "paths"]}}}}}}},
        "/metrics": {"get": {"summary": "Prometheus text exposition: freshness per series and scheduler gauges.", "responses": {
          "200": {"description": "Metrics.", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "500": {"description": "Rendering failed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/": {"get": {"summary": "The dashboard (HTML).",
          "description": "A page for people: a parameter whose value is not understood is ignored and named on the page (never a 400), so every value is accepted.",
          "parameters": [
            {"name": "tier", "in": "query", "description": "critical, standard or low; empty or `all`: every tier.", "schema": {"type": "string"}},
            {"name": "timeframe", "in": "query", "description": "A timeframe (`1d`, `1h`, ...).", "schema": {"type": "string"}},
            {"name": "status", "in": "query", "description": "fresh, aging, stale or missing.", "schema": {"type": "string"}},
            {"name": "sessions", "in": "query", "description": "Columns of the heatmap, 1-120 (default 30).", "schema": {"type": "string"}},
            {"name": "limit", "in": "query", "description": "Rows, worst first (default all).", "schema": {"type": "string"}},
            {"name": "days", "in": "query", "description": "Days of the run timeline, 1-31 (default 3).", "schema": {"type": "string"}},
            {"name": "at", "in": "query", "description": "Judge freshness at this ISO 8601 instant instead of now.", "schema": {"type": "string"}}],
          "responses": {
            "200": {"description": "The page.", "content": {"text/html": {"schema": {"type": "string"}}}},
            "500": {"description": "Rendering failed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}}
      }
    }
    """#
}
