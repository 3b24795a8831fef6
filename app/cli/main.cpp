#include <cstdio>
int main() { std::puts("perfusion"); return 0; }
