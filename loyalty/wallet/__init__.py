"""The wallet: gift cards and store credit, money a customer can pay with at checkout."""
