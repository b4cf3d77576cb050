"""The console's rules without a web framework: CSRF tokens, the plots, the dashboard's figures."""
