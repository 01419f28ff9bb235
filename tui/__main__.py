from pdca.tui.cli import main

main()
