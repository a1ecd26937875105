#!/usr/bin/env bash
# LocalStack "ready" hook: fail loudly if a service the HexaBuilders template needs is not running,
# instead of letting `hexa up --endpoint-url http://localhost:4566` fail half-way through provisioning.
set -euo pipefail
needed="dynamodb dynamodbstreams sqs events secretsmanager cloudwatch"
health=$(curl -fsS http://localhost:4566/_localstack/health)
missing=""
for service in $needed; do
  state=$(echo "$health" | python3 -c "import json,sys; print(json.load(sys.stdin)['services'].get('$service','absent'))")
  case "$state" in running|available) ;; *) missing="$missing $service($state)";; esac
done
if [ -n "$missing" ]; then
  echo "hexabuilders: LocalStack lacks:$missing — the template cannot be provisioned" >&2
  exit 1
fi
echo "hexabuilders: LocalStack ready; now run: hexa up --endpoint-url http://localhost:4566"
