from ruralqa.cli import main

main()
