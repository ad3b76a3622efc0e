from vik.cli import main

main()
