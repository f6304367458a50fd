"""Operations endpoints: what a load balancer or an operator probes."""
