"""kubecheck for users' own test suites: a pytest plugin and hypothesis machines built from manifests."""
