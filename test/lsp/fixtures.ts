// Fixture sources shared by the language-server tests.

/** A workspace schema with a template event, a dotted-name event, enum values and a deprecated attribute. */
export const SCHEMA_YAML = `version: 1
events:
  - template: 'Order placed: {order_id}'
    level: info
    description: An order was accepted.
    attributes:
      order_id:
        type: string
        required: true
      channel:
        type: enum
        values: [web, app, phone]
      legacy_ref:
        type: string
        deprecated:
          replacement: order_id
  - name: payment.failed
    level: error
    attributes:
      reason:
        type: enum
        required: true
        values: [declined, timeout]
health:
  - id: orders
    name: Orders per hour
    sql: SELECT count(*) AS n FROM records WHERE message LIKE 'Order placed%'
`;

export const SHOP_PY = `import logfire


def place(order, channel):
    logfire.info("Order placed: {order_id}", order_id=order.id, channel=channel)


def fail(order):
    logfire.error("payment.failed", reason="declined")
`;

export const SEED_PY = `import logfire


def route(agent_name, workload_type, m1, m2):
    logfire.info(
        "Workload routing: {agent} → {workload} → {model}",
        agent=agent_name,
        workload=workload_type,
        orchestrated_model=m1,
        default_model=m2,
    )
`;
