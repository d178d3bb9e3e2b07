int answer = 42;
void _start(void) { for (;;) ; }
