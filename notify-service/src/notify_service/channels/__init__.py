"""Provider adapters: WeChat subscription messages, Tencent Cloud SMS and voice."""
