namespace sg {}
