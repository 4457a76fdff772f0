from hearing_server.cli import main

main()
