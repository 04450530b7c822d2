"""Small handlers the runtime's tests deploy (each shows one Lambda behaviour)."""
