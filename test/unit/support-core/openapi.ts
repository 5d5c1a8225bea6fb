/** The OpenAPI validators live with the simulator, which checks every request it receives with them. */
export * from '../../simulator/openapi';
