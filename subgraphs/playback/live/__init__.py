"""What every live feature shares: Redis pub/sub fanned out to local sockets, the per-user
subscription limit, the end of a subscription at token expiry, and the executor that keeps
long-lived subscriptions from growing."""
